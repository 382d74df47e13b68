package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault {@code ConcurrentLifetimesWorkloadTest} reported under load on files and hybrid
 * ("a write that started before a TTL value's due time got a history entry with null as the old
 * value"), forced deterministically: the value falls due after the controller's due check before
 * the commit found nothing due, right after the file commit's first clock reading (what a thread
 * preempted there for milliseconds sees): the virtual clock returns a time before the due time to
 * the first reading taken inside {@code FileCommits} and a time past it to every later one. Such
 * a write must never record {@code null} as the old value without an expiry commit of the value
 * before it: either [expiry of the value, write from null] or one write replacing the value (the
 * memory backend's documented window), and the listener hears exactly what the history holds.
 */
class DueInsideFileCommitTest {

	private static final Duration TTL = Duration.ofMillis(100);

	@TempDir
	Path dir;

	/** How each write kind writes {@code "new"} (or deletes) at the path. */
	enum Kind {

		SET, DELETE, SET_ALL, BATCH, ASYNC_SET, ASYNC_SET_ALL, UPDATE;

		void write(StateController c, String path, String other) {
			switch (this) {
				case SET -> c.set(path, "new");
				case DELETE -> c.delete(path);
				case SET_ALL -> c.setAll(Map.of(path, "new", other, "o"));
				case BATCH -> c.batch(() -> {
					c.set(path, "new");
					c.set(other, "o");
				});
				case ASYNC_SET -> c.async().set(path, "new").join();
				case ASYNC_SET_ALL -> c.async().setAll(Map.of(path, "new")).join();
				case UPDATE -> c.update(path, String.class, x -> "new");
			}
		}

		@Nullable Object written() {
			return (this == DELETE) ? null : "new";
		}

	}

	/** The backends whose lifetimes live in files, with the prefix of a path a files backend serves. */
	enum Layout {

		FILES(""), HYBRID_FILES_ROOT("/r"), HYBRID_FILES_MOUNT("/f");

		final String prefix;

		Layout(String prefix) {
			this.prefix = prefix;
		}

		StateBackend create(Path dir, LongSupplier clock) {
			return switch (this) {
				case FILES -> VirtualTimeBackends.files(dir.resolve("state"), clock);
				case HYBRID_FILES_ROOT -> new HybridBackend(VirtualTimeBackends.files(dir.resolve("root"), clock))
					.mount("/m", VirtualTimeBackends.inMemory(clock));
				case HYBRID_FILES_MOUNT -> new HybridBackend(VirtualTimeBackends.inMemory(clock)).mount("/f",
						VirtualTimeBackends.files(dir.resolve("mount"), clock));
			};
		}

	}

	static List<Object[]> cases() {
		List<Object[]> cases = new ArrayList<>();
		for (Layout layout : Layout.values()) {
			for (Kind kind : Kind.values()) {
				for (StateController.Dispatch dispatch : List.of(StateController.Dispatch.SYNC,
						StateController.Dispatch.ASYNC)) {
					cases.add(new Object[] { layout, kind, dispatch });
				}
			}
		}
		return cases;
	}

	/**
	 * A monotonic clock the test moves, which jumps past the due time by itself once armed, on the
	 * first reading taken inside the file commit's read of the values it replaces.
	 */
	static final class JumpingClock implements LongSupplier {

		final AtomicLong now = new AtomicLong(7_000_000_000L);

		final AtomicBoolean armed = new AtomicBoolean();

		final AtomicBoolean jumped = new AtomicBoolean();

		@Override
		public long getAsLong() {
			if (this.armed.get() && insideFileCommit() && this.armed.compareAndSet(true, false)) {
				// this reading still sees the value alive; every later one sees it due
				long before = this.now.getAndAdd(TTL.toNanos() + 1_000_000L);
				this.jumped.set(true);
				return before;
			}
			return this.now.get();
		}

		private static boolean insideFileCommit() {
			return StackWalker.getInstance()
				.walk(frames -> frames.anyMatch(f -> f.getClassName().endsWith(".FileCommits")));
		}

	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("cases")
	void aValueFallingDueInsideTheCommitIsNeverReplacedAsNullWithoutItsExpiryCommit(Layout layout, Kind kind,
			StateController.Dispatch dispatch) {
		JumpingClock clock = new JumpingClock();
		String path = layout.prefix + "/a/k";
		String other = layout.prefix + "/a/o";
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		try (StateController c = StateController.builder()
			.backend(layout.create(this.dir, clock))
			.dispatch(dispatch)
			.build()) {
			c.subscribe(path, heard::add);
			c.set(path, "old", WriteOptions.ttl(TTL));
			clock.now.addAndGet(TTL.toNanos() - 1_000_000L); // 1 ms before the due time
			clock.armed.set(true);

			kind.write(c, path, other);

			assertThat(clock.jumped).as("the clock jumped inside the commit").isTrue();
			List<Break14Workload.Change> changes = Break14Workload.history(c)
				.stream()
				.filter(ch -> ch.path().equals(path))
				.toList();
			assertThat(changes).first().satisfies(first -> assertThat(first.newValue()).isEqualTo("old"));
			List<Break14Workload.Change> after = changes.subList(1, changes.size());
			if (!after.isEmpty() && after.get(0).expiry()) {
				// the expiry first, then the write from nothing (a delete then writes nothing)
				assertThat(after.get(0).oldValue()).isEqualTo("old");
				assertThat(after.get(0).newValue()).isNull();
				if (kind.written() != null) {
					assertThat(after).hasSize(2);
					assertThat(after.get(1).oldValue()).isNull();
					assertThat(after.get(1).newValue()).isEqualTo(kind.written());
				}
				else {
					assertThat(after).hasSize(1);
				}
			}
			else {
				// no expiry commit: the write replaced the value, and shows it as the old value
				assertThat(after).as("the write replacing the value that fell due").singleElement().satisfies(w -> {
					assertThat(w.expiry()).isFalse();
					assertThat(w.oldValue()).as("the old value of a write with no expiry before it").isEqualTo("old");
					assertThat(w.newValue()).isEqualTo(kind.written());
				});
			}
			assertThat(c.get(path)).isEqualTo(kind.written());
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(heard).hasSize(changes.size()));
			for (int i = 0; i < changes.size(); i++) {
				StateEvent event = heard.get(i);
				assertThat(event.prevValue()).isEqualTo(changes.get(i).oldValue());
				assertThat(event.newValue()).isEqualTo(changes.get(i).newValue());
				assertThat(event.isExpiry()).isEqualTo(changes.get(i).expiry());
			}
		}
	}

}
