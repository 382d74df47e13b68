package io.statetree.core.break25;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateSnapshot;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * break25: the calls beyond {@code set} and {@code delete} through a hybrid, against the in-memory
 * backend running the same calls (DESIGN §4, §7, §11, §12, §15, §19): {@code update},
 * {@code getOrWrite}, {@code increment}, {@code setAll}, {@code ping}, {@code restore} of a
 * snapshot taken earlier, a write with a time to live below a mount point (refused at and above
 * one, as documented) and a batch writing and deleting below an absent mount point beside another
 * write, at, below and above mount points; with a memory root and files mounts, and with a files
 * root and memory mounts. After every call: its result, {@code get}, {@code exists},
 * {@code childNames} and the presence of a lifetime at the mount points, their parents and the
 * root; the events heard, the history, and {@code watch} replays from revisions 0 and 1. The
 * batch of a write and a delete beside another write ({@code roundTrip}) is a disabled example
 * (an open finding), left out of the properties.
 */
class HybridCallsModelPropertiesTest {

	private static final List<String> PATHS = List.of("/", "/m", "/m/x", "/m/y", "/a", "/a/m", "/a/m/x", "/a/y", "/z");

	/** One call, described for the counterexample. */
	record Call(String kind, String path, @Nullable Object value) {

		@Override
		public String toString() {
			return this.kind + " " + this.path + ((this.value != null) ? " " + this.value : "");
		}

	}

	@Provide
	Arbitrary<List<Call>> calls() {
		Arbitrary<String> paths = Arbitraries.of(PATHS);
		Arbitrary<Object> values = Arbitraries.of(1, 2, Map.of(), Map.of("x", 1), Map.of("y", Map.of()),
				Map.of("m", Map.of("x", 2)));
		Arbitrary<Call> update = Combinators.combine(paths, values.injectNull(0.3)).as((p, v) -> new Call("update", p, v));
		Arbitrary<Call> getOrWrite = Combinators.combine(paths, values).as((p, v) -> new Call("getOrWrite", p, v));
		Arbitrary<Call> increment = Combinators.combine(paths, Arbitraries.of(0, 1, -1))
			.as((p, v) -> new Call("increment", p, v));
		Arbitrary<Call> setAll = Combinators.combine(paths, paths, values.injectNull(0.4))
			.as((p, q, v) -> new Call("setAll", p, List.of(q, String.valueOf(v))));
		Arbitrary<Call> ttl = Combinators.combine(paths, values).as((p, v) -> new Call("ttl", p, v));
		Arbitrary<Call> snapshot = paths.map((p) -> new Call("snapshot", p, null));
		Arbitrary<Call> restore = Arbitraries.integers().between(0, 3).map((i) -> new Call("restore", "", i));
		Arbitrary<Call> ping = paths.map((p) -> new Call("ping", p, null));
		Arbitrary<Call> set = Combinators.combine(paths, values.injectNull(0.3)).as((p, v) -> new Call("set", p, v));
		return Arbitraries.frequencyOf(Tuple.of(3, update), Tuple.of(2, getOrWrite), Tuple.of(2, increment),
				Tuple.of(2, setAll), Tuple.of(2, ttl), Tuple.of(2, snapshot), Tuple.of(2, restore), Tuple.of(1, ping),
				Tuple.of(4, set)).list().ofMinSize(1).ofMaxSize(12);
	}

	/**
	 * Finding (open): a batch that writes and deletes {@code /m/x/r} (creating {@code /m/x} on the
	 * way) and writes {@code /a/m/x} in another backend. The in-memory backend commits it as one
	 * commit that changed something, so the branch made on the way stays: {@code /m/x} reads
	 * {@code {}}. The hybrid splits it, and the part for the mount at {@code /m} (write and delete
	 * of {@code /x/r}) changes nothing there, so that backend writes nothing, not even the branch:
	 * {@code /m} reads {@code {}} without {@code x}. (The files-root case of a write and delete of
	 * {@code /a/y/r} beside {@code /m/x = 3} does not fail: the root's part also writes the marker of
	 * {@code /m}, so it changes something.) CI's earlier finding was the whole commit
	 * changing nothing (fixed); this is a part changing nothing while the commit changes something.
	 */
	@net.jqwik.api.Example
	void aPartThatChangesNothingKeepsTheBranchesOnTheWay() {
		run(List.of(new Call("roundTrip", "/m/x", "/a/m/x")), false);
	}

	@Property(tries = 60)
	void withAMemoryRootAndFilesMounts(@ForAll("calls") List<Call> calls) {
		run(calls, false);
	}

	@Property(tries = 60)
	void withAFilesRootAndMemoryMounts(@ForAll("calls") List<Call> calls) {
		run(calls, true);
	}

	private static void run(List<Call> calls, boolean filesRoot) {
		List<Path> directories = new ArrayList<>();
		try {
			StateBackend hybrid;
			if (filesRoot) {
				hybrid = new HybridBackend(files(directories)).mount("/m", new InMemoryBackend())
					.mount("/a/m", new InMemoryBackend());
			}
			else {
				hybrid = new HybridBackend(new InMemoryBackend()).mount("/m", files(directories))
					.mount("/a/m", files(directories));
			}
			try (StateController model = StateController.create(new InMemoryBackend());
					StateController mixed = StateController.create(hybrid)) {
				List<String> modelEvents = listen(model);
				List<String> mixedEvents = listen(mixed);
				List<StateSnapshot> modelSnapshots = new ArrayList<>();
				List<StateSnapshot> mixedSnapshots = new ArrayList<>();
				for (int i = 0; i < calls.size(); i++) {
					Call call = calls.get(i);
					String what = "call " + i + " (" + call + ") of " + calls;
					String expected = apply(model, call, modelSnapshots);
					String actual = apply(mixed, call, mixedSnapshots);
					if (expected.contains("mount point") || actual.contains("mount point")) {
						// a leaf at or above a mount point, or a lifetime there: refused by the hybrid
						// only (README); the model is brought along by undoing nothing else
						assertThat(actual).as(what).startsWith("threw");
						return;
					}
					assertThat(actual).as(what).isEqualTo(expected);
					for (String path : PATHS) {
						assertThat(String.valueOf(mixed.get(path))).as("get(%s) after %s", path, what)
							.isEqualTo(String.valueOf(model.get(path)));
						assertThat(mixed.exists(path)).as("exists(%s) after %s", path, what).isEqualTo(model.exists(path));
						assertThat(mixed.childNames(path)).as("childNames(%s) after %s", path, what)
							.isEqualTo(model.childNames(path));
						assertThat(mixed.timeToLive(path) != null).as("timeToLive(%s) after %s", path, what)
							.isEqualTo(model.timeToLive(path) != null);
					}
					assertThat(mixedEvents).as("events after %s", what).isEqualTo(modelEvents);
					assertThat(changes(mixed)).as("history after %s", what).isEqualTo(changes(model));
				}
				for (long after = 0; after <= Math.min(1, model.revision()); after++) {
					List<String> expected = replay(model, after);
					List<String> actual = replay(mixed, after);
					long count = model.revision() - after;
					await().atMost(Duration.ofSeconds(10)).until(() -> expected.size() >= Math.min(count, 1));
					await().atMost(Duration.ofSeconds(10)).until(() -> actual.size() >= expected.size());
					assertThat(actual).as("watch(/**, %d) after %s", after, calls).isEqualTo(expected);
				}
			}
		}
		finally {
			directories.forEach(HybridCallsModelPropertiesTest::deleteTree);
		}
	}

	private static FileSystemBackend files(List<Path> directories) {
		try {
			Path directory = Files.createTempDirectory("hybrid-calls");
			directories.add(directory);
			return FileSystemBackend.builder(directory).fsync(false).build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static String apply(StateController c, Call call, List<StateSnapshot> snapshots) {
		try {
			return switch (call.kind()) {
				case "set" -> String.valueOf(c.set(call.path(), call.value()));
				case "update" -> String.valueOf(c.update(call.path(), Object.class, (old) -> call.value()));
				case "getOrWrite" -> String.valueOf(c.getOrWrite(call.path(), Object.class, call.value()));
				case "increment" -> String.valueOf(c.increment(call.path(), (Integer) call.value()));
				case "setAll" -> {
					List<String> pair = (List<String>) call.value();
					Map<String, @Nullable Object> writes = new LinkedHashMap<>();
					writes.put(call.path(), 1);
					writes.put(pair.get(0), "null".equals(pair.get(1)) ? null : pair.get(1));
					yield String.valueOf(c.setAll(writes));
				}
				case "ttl" -> String.valueOf(c.set(call.path(), call.value(), WriteOptions.ttl(Duration.ofHours(1))));
				case "snapshot" -> {
					snapshots.add(c.snapshot(call.path()));
					yield "snapshot";
				}
				case "restore" -> snapshots.isEmpty() ? "none"
						: String.valueOf(c.restore(snapshots.get((Integer) call.value() % snapshots.size())) > 0);
				case "ping" -> {
					c.ping(call.path());
					yield "pinged";
				}
				case "roundTrip" -> {
					String other = (String) call.value();
					c.batch(() -> {
						c.set(call.path() + "/r", 1);
						c.delete(call.path() + "/r");
						c.set(other, 3);
					});
					yield "batch";
				}
				default -> throw new IllegalArgumentException(call.kind());
			};
		}
		catch (RuntimeException ex) {
			return "threw " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
	}

	private static List<String> listen(StateController c) {
		List<String> events = new CopyOnWriteArrayList<>();
		c.subscribe("/**", (event) -> events.add(describe(event)));
		return events;
	}

	private static String describe(StateEvent e) {
		return e.revision() + " " + e.path() + " " + e.emittingPath() + " " + e.prevValue() + " -> " + e.newValue()
				+ (e.isResync() ? " resync" : "") + (e.isExpiry() ? " expiry" : "");
	}

	private static List<String> replay(StateController c, long after) {
		List<String> events = new CopyOnWriteArrayList<>();
		c.watch("/**", after).subscribe(new Flow.Subscriber<StateEvent>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(StateEvent item) {
				events.add(describe(item));
			}

			@Override
			public void onError(Throwable throwable) {
				events.add("error " + throwable);
			}

			@Override
			public void onComplete() {
			}

		});
		return events;
	}

	private static List<String> changes(StateController c) {
		List<String> changes = new ArrayList<>();
		for (Commit commit : c.history(0, 1000)) {
			for (ChangedPath change : commit.changes()) {
				changes.add(commit.revision() + " " + change.path() + " " + change.oldValue() + " -> " + change.newValue());
			}
		}
		return changes;
	}

	private static void deleteTree(Path directory) {
		try (Stream<Path> walk = Files.walk(directory)) {
			walk.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

}
