package io.statetree.core.break26;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.VirtualTimeBackends;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * break26, area 1: writes under the commit lock that read first, on a value with a time to live
 * that falls due around the call (a virtual clock moving a random step at every reading, so every
 * gap between two readings is hit). Checked against the history and the listeners, for every
 * local backend kind: the chain of old and new values at the path never skips (each commit's old
 * value is the previous commit's new value there), the value a reading write was given is the old
 * value its own commit records, a value found absent had its expiry commit first, and no write
 * the user could make on a value that reads absent is refused.
 */
class FallingDueAroundReadingWritesPropertiesTest {

	enum Kind {

		MEMORY, FILES, CACHING_FILES, CACHING_MEMORY, HYBRID_ROOT, HYBRID_MOUNT, HYBRID_MEMORY_MOUNT;

		StateBackend create(LongSupplier clock, Path dir) {
			return switch (this) {
				case MEMORY -> VirtualTimeBackends.inMemory(clock);
				case FILES -> VirtualTimeBackends.files(dir, clock);
				case CACHING_FILES -> VirtualTimeBackends.caching(VirtualTimeBackends.files(dir, clock),
						CachePolicy.defaults(), clock);
				case CACHING_MEMORY -> VirtualTimeBackends.caching(VirtualTimeBackends.inMemory(clock),
						CachePolicy.defaults(), clock);
				case HYBRID_ROOT, HYBRID_MOUNT -> new HybridBackend(VirtualTimeBackends.inMemory(clock)).mount("/b",
						VirtualTimeBackends.files(dir, clock));
				case HYBRID_MEMORY_MOUNT -> new HybridBackend(VirtualTimeBackends.inMemory(clock)).mount("/b",
						VirtualTimeBackends.inMemory(clock));
			};
		}

		String branch() {
			return (this == HYBRID_MOUNT || this == HYBRID_MEMORY_MOUNT) ? "/b/a" : "/a";
		}

	}

	enum Op {
		UPDATE, GET_OR_WRITE, INCREMENT, EQUALITY, ASYNC_UPDATE, ASYNC_SET_EQUALITY, BATCH_READ_WRITE,
		BATCH_READ_WRITE_OTHER, SET_ALL, SET_UNDER, SET_ALL_UNDER, BATCH_UNDER, UPDATE_BRANCH, DELETE, SET
	}

	/** Where the lifetime is: on the leaf, or on the branch holding it. */
	enum TtlOn {
		LEAF, BRANCH
	}

	@Property(tries = 60)
	void aReadingWriteAgreesWithTheHistoryAroundADueTime(@ForAll Kind kind, @ForAll Op op, @ForAll TtlOn ttlOn,
			@ForAll @IntRange(min = 1, max = 12) int ttlMillis, @ForAll @IntRange(min = 1, max = 8) int tickQuarters,
			@ForAll StateController.Dispatch dispatch) throws Exception {
		AtomicLong time = new AtomicLong(1_000_000_000_000L);
		long tick = Duration.ofMillis(1).toNanos() * tickQuarters / 4;
		LongSupplier clock = () -> time.addAndGet(tick);
		Path dir = Files.createTempDirectory("statetree-break26-due");
		StateController c = StateController.builder().backend(kind.create(clock, dir)).dispatch(dispatch).build();
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		try {
			String branch = kind.branch();
			String leaf = branch + "/x";
			Object written = (op == Op.INCREMENT) ? 5 : "v";
			c.set(branch + "/keep", 1);
			c.subscribe(leaf, heard::add);
			long before = c.revision();
			if (ttlOn == TtlOn.LEAF) {
				c.set(leaf, written, WriteOptions.ttl(Duration.ofMillis(ttlMillis)));
			}
			else {
				Map<String, Object> value = new LinkedHashMap<>();
				value.put("keep", 1);
				value.put("x", written);
				c.set(branch, value, WriteOptions.ttl(Duration.ofMillis(ttlMillis)));
			}
			AtomicReference<@Nullable Object> found = new AtomicReference<>("unset");
			RuntimeException thrown = null;
			try {
				act(c, op, leaf, branch, found);
			}
			catch (StateWriteException ex) {
				// a plain write below a leaf that is still there is refused, as it should be
				if (op != Op.SET_UNDER && op != Op.SET_ALL_UNDER) {
					thrown = ex;
				}
			}
			List<Commit> history = c.history(before, 1_000);
			assertThat(thrown).as("%s on a value that reads absent or present was refused; history %s", op, history)
				.isNull();
			// the chain at the leaf
			Object last = null;
			boolean first = true;
			Commit touching = null;
			for (Commit commit : history) {
				Object[] at = at(commit, StatePath.of(leaf));
				if (at == null) {
					continue;
				}
				if (!first) {
					assertThat(at[0]).as("old value at %s in %s after %s (history %s)", leaf, commit, last, history)
						.isEqualTo(last);
					if (touching == null) {
						touching = commit;
					}
				}
				first = false;
				last = at[1];
			}
			Object was = found.get();
			if (!"unset".equals(was) && touching != null) {
				Object old = at(touching, StatePath.of(leaf))[0];
				if (was == null) {
					assertThat(touching.expiry()).as("%s found %s absent, then %s (history %s)", op, leaf, touching,
							history).isTrue();
				}
				else {
					assertThat(StateValues.equal(old, was)).as("%s was given %s, its commit %s (history %s)", op, was,
							touching, history).isTrue();
				}
			}
			else if ("unset".equals(was) && touching != null && !touching.expiry()) {
				// a write that read nothing: the documented window lets it replace the value as its old one
				assertThat(at(touching, StatePath.of(leaf))[0]).isIn(written, null);
			}
			c.close();
			// the listener heard the chain too
			Object lastHeard = null;
			boolean firstHeard = true;
			for (StateEvent event : heard) {
				if (!event.emittingPath().equals(StatePath.of(leaf))) {
					continue;
				}
				if (!firstHeard) {
					assertThat(event.prevValue()).as("event %s after %s (heard %s)", event, lastHeard, heard)
						.isEqualTo(lastHeard);
				}
				firstHeard = false;
				lastHeard = event.newValue();
			}
		}
		finally {
			c.close();
			delete(dir);
		}
	}

	private static void act(StateController c, Op op, String leaf, String branch, AtomicReference<@Nullable Object> found)
			throws Exception {
		switch (op) {
			case UPDATE -> c.update(leaf, Object.class, (v) -> {
				found.set(v);
				return "u";
			});
			case GET_OR_WRITE -> {
				Object got = c.getOrWrite(leaf, Object.class, "d");
				found.set("d".equals(got) ? null : got);
			}
			case INCREMENT -> {
				long sum = c.increment(leaf, 1);
				found.set((sum == 1) ? null : (int) (sum - 1));
			}
			case EQUALITY -> c.set(leaf, "e", WriteOptions.equality((there, given) -> {
				found.set(there);
				return false;
			}));
			case ASYNC_UPDATE -> c.async().update(leaf, Object.class, (v) -> {
				found.set(v);
				return "a";
			}).get(10, TimeUnit.SECONDS);
			case ASYNC_SET_EQUALITY -> c.async().set(leaf, "ae", WriteOptions.equality((there, given) -> {
				found.set(there);
				return false;
			})).get(10, TimeUnit.SECONDS);
			case BATCH_READ_WRITE -> c.batch(() -> {
				found.set(c.get(leaf));
				c.set(leaf, "b");
			});
			case BATCH_READ_WRITE_OTHER -> c.batch(() -> {
				Object v = c.get(leaf);
				found.set(v);
				c.set(branch + "/copy", (v == null) ? "none" : v);
				c.set(leaf, "bo");
			});
			case SET_ALL -> c.setAll(Map.of(leaf, "s", branch + "/other", 2));
			case SET_UNDER -> c.set(leaf + "/y", 1);
			case SET_ALL_UNDER -> c.setAll(Map.of(leaf + "/y", 1, branch + "/other", 2));
			case BATCH_UNDER -> c.batch(() -> {
				if (c.get(leaf) == null) {
					c.set(leaf + "/y", 1);
				}
			});
			case UPDATE_BRANCH -> c.update(branch, Map.class, (m) -> {
				found.set((m == null) ? null : m.get("x"));
				Map<String, Object> next = (m == null) ? new LinkedHashMap<>() : new LinkedHashMap<>(m);
				next.put("y", 2);
				return next;
			});
			case DELETE -> c.delete(leaf);
			case SET -> c.set(leaf, "p");
		}
	}

	/** The old and new value at {@code leaf} in a commit that covers it, or null when none does. */
	private static Object @Nullable [] at(Commit commit, StatePath leaf) {
		for (ChangedPath change : commit.changes()) {
			if (change.path().equals(leaf)) {
				return new Object[] { change.oldValue(), change.newValue() };
			}
			if (change.path().isAncestorOf(leaf)) {
				Object old = below(change.oldValue(), change.path(), leaf);
				Object next = below(change.newValue(), change.path(), leaf);
				if (old != null || next != null) {
					return new Object[] { old, next };
				}
			}
			if (leaf.isAncestorOf(change.path())) {
				// a write below the leaf: allowed only where no leaf is, so its old value there is none
				return new Object[] { null, "(branch)" };
			}
		}
		return null;
	}

	private static @Nullable Object below(@Nullable Object value, StatePath from, StatePath leaf) {
		Object v = value;
		for (String segment : leaf.segments().subList(from.depth(), leaf.depth())) {
			if (!(v instanceof Map<?, ?> map)) {
				return null;
			}
			v = map.get(segment);
		}
		return v;
	}

	private static void delete(Path dir) {
		try (Stream<Path> walk = Files.walk(dir)) {
			List<Path> all = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
			for (Path p : all) {
				Files.deleteIfExists(p);
			}
		}
		catch (IOException ex) {
			// left for the system to clean
		}
	}

}
