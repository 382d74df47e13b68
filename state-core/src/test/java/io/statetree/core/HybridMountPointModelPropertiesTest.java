package io.statetree.core;

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
import java.util.stream.Stream;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hybrid with one or two files mounts reads, snapshots, lists, derives and notifies exactly as
 * the in-memory backend running the same writes (DESIGN §2, §4, §6, §7, §11): random sequences of
 * writes and deletes at, below and above the mount points (leaves, branches, batches of two),
 * compared after every step on every path of a small universe ({@code get}, {@code exists},
 * {@code childNames}, {@code getVersioned}, {@code snapshot}), on a derivation whose source is a
 * mount point, on the history's changes, and on every event's paths, revision and old and new
 * values (in child order too), with synchronous and asynchronous dispatch. In particular an
 * emptied mount point reads {@code {}} as an emptied branch does everywhere, and a deleted or never
 * written one reads absent.
 */
class HybridMountPointModelPropertiesTest {

	private static final List<String> SEGMENTS = List.of("a", "m", "x");

	/** Mount tables: one or two mounts, at depth one or two. */
	private static final List<List<String>> MOUNTS = List.of(List.of("/m"), List.of("/a/m"), List.of("/m", "/a/x"),
			List.of("/a/m", "/a/x"), List.of("/x/m", "/m"));

	/** Every path compared after each step: the root and all paths of depth one to three. */
	private static final List<StatePath> UNIVERSE = universe();

	sealed interface Op permits Put, Delete, Pair {

	}

	record Put(String path, Object value) implements Op {
	}

	record Delete(String path) implements Op {
	}

	/** Two operations in one batch (one commit). */
	record Pair(Op first, Op second) implements Op {
	}

	record Scenario(List<String> mounts, List<Op> ops) {
	}

	@Provide
	Arbitrary<Scenario> scenarios() {
		return Arbitraries.of(MOUNTS).flatMap((mounts) -> {
			Arbitrary<Op> single = single(mounts);
			// the open finding (FilesChildOrderTest): a batch that removes a mount point and writes it
			// again keeps its place among its siblings where memory moves it last; every other pair stays
			Arbitrary<Op> pair = Combinators.combine(single, single).as((first, second) -> new Pair(first, second))
				.filter((p) -> !removesAndWritesAgain(mounts, p))
				.map((p) -> (Op) p);
			Arbitrary<Op> op = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, single), net.jqwik.api.Tuple.of(2, pair));
			return op.list().ofMinSize(1).ofMaxSize(14).map((ops) -> new Scenario(mounts, ops));
		});
	}

	private static Arbitrary<Op> single(List<String> mounts) {
		Arbitrary<String> paths = Arbitraries.of(UNIVERSE).map(StatePath::toString);
		Arbitrary<Op> deletes = paths.map(Delete::new);
		Arbitrary<Op> leaves = Combinators.combine(paths, Arbitraries.integers().between(0, 3))
			.as((path, value) -> (Op) new Put(path, value))
			.filter((set) -> !onTheWayToAMount(mounts, StatePath.of(((Put) set).path())));
		Arbitrary<Op> branches = Combinators.combine(paths, branch(2))
			.as((path, value) -> (Op) new Put(path, branchesAtMounts(mounts, StatePath.of(path), value)));
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, leaves), net.jqwik.api.Tuple.of(3, deletes),
				net.jqwik.api.Tuple.of(2, branches), net.jqwik.api.Tuple.of(1, Arbitraries.just(new Delete("/"))));
	}

	/** Small branches, possibly empty, with leaves 0 to 3. */
	private static Arbitrary<Object> branch(int depth) {
		Arbitrary<Object> child = (depth <= 1) ? Arbitraries.integers().between(0, 3).map((i) -> (Object) i)
				: Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map((i) -> (Object) i), branch(depth - 1));
		return Arbitraries.maps(Arbitraries.of(SEGMENTS), child).ofMaxSize(3).map((map) -> (Object) map);
	}

	/**
	 * Whether a batch of two is the open finding's kind: its first write removes a mount point (a
	 * delete at or above it, or a write above it whose value does not hold it) and its second
	 * writes it again (at or below it, or above it with a value that holds it).
	 */
	static boolean removesAndWritesAgain(List<String> mounts, Pair pair) {
		for (String mount : mounts) {
			StatePath point = StatePath.of(mount);
			boolean removes = (pair.first() instanceof Delete delete) ? StatePath.of(delete.path()).isAncestorOrSelf(point)
					: pair.first() instanceof Put put && StatePath.of(put.path()).isAncestorOf(point)
							&& !holds(put, point);
			boolean writesAgain = pair.second() instanceof Put put && (point.isAncestorOrSelf(StatePath.of(put.path()))
					|| StatePath.of(put.path()).isAncestorOf(point) && holds(put, point));
			if (removes && writesAgain) {
				return true;
			}
		}
		return false;
	}

	/** Whether a write above a mount point puts a value there. */
	private static boolean holds(Put put, StatePath point) {
		StatePath relative = StatePath.of(put.path()).relativize(point);
		Object value = put.value();
		for (int i = 0; i < relative.depth(); i++) {
			if (!(value instanceof Map<?, ?> map)) {
				return false;
			}
			value = map.get(relative.segment(i));
		}
		return value != null;
	}

	/** Whether a path is a mount point or lies above one (always a branch on a hybrid). */
	private static boolean onTheWayToAMount(List<String> mounts, StatePath path) {
		for (String mount : mounts) {
			if (path.isRoot() || path.equals(StatePath.of(mount)) || path.isAncestorOf(StatePath.of(mount))) {
				return true;
			}
		}
		return false;
	}

	/** The value with every leaf at or above a mount point replaced by an empty branch. */
	private static Object branchesAtMounts(List<String> mounts, StatePath at, Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return onTheWayToAMount(mounts, at) ? Map.of() : value;
		}
		Map<String, Object> copy = new LinkedHashMap<>();
		map.forEach((key, child) -> copy.put((String) key, branchesAtMounts(mounts, at.child((String) key), child)));
		return copy;
	}

	/**
	 * CI's counterexample: a batch whose writes leave every path as it was writes nothing on the
	 * in-memory backend (not even the branches created on the way); the hybrid wrote the mount
	 * point's marker, so {@code /a/x} read {@code {}} at an unchanged revision.
	 */
	@Example
	void aBatchThatChangesNothingLeavesNoMountPointBehind() {
		Scenario scenario = new Scenario(List.of("/m", "/a/x"),
				List.of(new Pair(new Put("/a/x/x", 0), new Delete("/a/x/x")), new Pair(new Put("/m/a", 1), new Delete("/m/a")),
						new Put("/m/a", 2), new Pair(new Delete("/m"), new Put("/m", Map.of()))));
		run(scenario, StateController.Dispatch.SYNC);
		run(scenario, StateController.Dispatch.ASYNC);
	}

	/**
	 * CI's second counterexample: a part that changes nothing in its own backend (the mount's
	 * {@code x/a} written and deleted) of a commit that changes something (the derivation of
	 * {@code /m}, or a write in another backend) keeps the branch created on the way, as the
	 * in-memory backend keeps it for the whole commit; the mount wrote nothing, so {@code /m} read
	 * {@code {}} where the model reads {@code {x: {}}}. Both ways round: the mount's part and the
	 * root backend's part changing nothing.
	 */
	@Example
	void aPartThatChangesNothingOfACommitThatDoesKeepsTheBranchesItCreated() {
		Scenario scenario = new Scenario(List.of("/m", "/a/x"),
				List.of(new Pair(new Put("/m/x/a", 0), new Delete("/m/x/a")),
						new Pair(new Pair(new Put("/a/a/a", 1), new Delete("/a/a/a")), new Put("/m/k", 2)),
						new Pair(new Pair(new Put("/a/x/m/a", 1), new Delete("/a/x/m/a")), new Put("/x", 3))));
		run(scenario, StateController.Dispatch.SYNC);
		run(scenario, StateController.Dispatch.ASYNC);
	}

	/**
	 * ci28's soak input, the open finding's kind (FilesChildOrderTest): deleting {@code /m} and
	 * writing below it again in one batch moves it last on memory and keeps its place on a hybrid.
	 * Such pairs are left out of the scenarios until it is fixed; this pins that the filter knows it.
	 */
	@Example
	void theOpenFindingsPairIsLeftOut() {
		assertThat(removesAndWritesAgain(List.of("/m"), new Pair(new Delete("/m"), new Put("/m/a", 1)))).isTrue();
		assertThat(removesAndWritesAgain(List.of("/a/m"), new Pair(new Put("/a", Map.of("x", 1)), new Put("/a/m/x", 1))))
			.isTrue();
		assertThat(removesAndWritesAgain(List.of("/a/m"), new Pair(new Put("/a", Map.of("m", Map.of())), new Put("/a/m/x", 1))))
			.isFalse();
		assertThat(removesAndWritesAgain(List.of("/m"), new Pair(new Delete("/m/a"), new Put("/m/a", 1)))).isFalse();
	}

	@Property(tries = 150)
	void withSynchronousDispatch(@ForAll("scenarios") Scenario scenario) {
		run(scenario, StateController.Dispatch.SYNC);
	}

	@Property(tries = 50)
	void withAsynchronousDispatch(@ForAll("scenarios") Scenario scenario) {
		run(scenario, StateController.Dispatch.ASYNC);
	}

	private static void run(Scenario scenario, StateController.Dispatch dispatch) {
		List<Path> directories = new ArrayList<>();
		try {
			HybridBackend hybrid = new HybridBackend(new InMemoryBackend());
			for (String mount : scenario.mounts()) {
				Path directory = Files.createTempDirectory("hybrid-mount-point");
				directories.add(directory);
				hybrid.mount(mount, FileSystemBackend.builder(directory).fsync(false).build());
			}
			try (StateController model = controller(new InMemoryBackend(), dispatch);
					StateController mixed = controller(hybrid, dispatch)) {
				List<List<Object>> modelEvents = listen(model);
				List<List<Object>> mixedEvents = listen(mixed);
				String point = scenario.mounts().get(0);
				derive(model, point);
				derive(mixed, point);
				compare(model, mixed, scenario.mounts(), "after registering the derivation");
				for (int step = 0; step < scenario.ops().size(); step++) {
					Op op = scenario.ops().get(step);
					String what = "step " + step + " " + op + " of " + scenario;
					assertThat(apply(mixed, op)).as(what).isEqualTo(apply(model, op));
					compare(model, mixed, scenario.mounts(), what);
					if (dispatch == StateController.Dispatch.SYNC) {
						assertThat(mixedEvents).as("events after %s", what).isEqualTo(modelEvents);
					}
				}
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(mixedEvents).as("events of %s", scenario).isEqualTo(modelEvents));
				assertThat(changes(mixed)).as("history of %s", scenario).isEqualTo(changes(model));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			directories.forEach(HybridMountPointModelPropertiesTest::deleteTree);
		}
	}

	private static StateController controller(io.statetree.core.backend.StateBackend backend,
			StateController.Dispatch dispatch) {
		return StateController.builder()
			.backend(backend)
			.dispatch(dispatch)
			.onError(StateController.OnError.RETHROW)
			.build();
	}

	/** A derivation whose source is the first mount point, telling absent from {@code {}}. */
	private static void derive(StateController state, String point) {
		state.derive("/agg", point, (v) -> (v == null) ? "absent" : "branch of " + ((Map<?, ?>) v).size());
	}

	private static List<List<Object>> listen(StateController state) {
		List<List<Object>> events = new CopyOnWriteArrayList<>();
		state.subscribe("/**", (event) -> events.add(List.of(event.revision(), event.path().toString(),
				event.emittingPath().toString(), String.valueOf(ordered(event.prevValue())),
				String.valueOf(ordered(event.newValue())))));
		return events;
	}

	/** Applies an operation: what it returned, or the class of what it threw. */
	private static @Nullable Object apply(StateController state, Op op) {
		try {
			return applyOrThrow(state, op);
		}
		catch (RuntimeException ex) {
			return "threw " + ex.getClass().getSimpleName();
		}
	}

	private static @Nullable Object applyOrThrow(StateController state, Op op) {
		if (op instanceof Put set) {
			return state.set(set.path(), set.value());
		}
		if (op instanceof Delete delete) {
			return state.delete(delete.path());
		}
		Pair pair = (Pair) op;
		state.batch(() -> {
			applyOrThrow(state, pair.first());
			applyOrThrow(state, pair.second());
		});
		return null;
	}

	private static void compare(StateController model, StateController mixed, List<String> mounts, String what) {
		for (StatePath path : UNIVERSE) {
			assertThat(ordered(mixed.get(path))).as("get(%s) %s", path, what).isEqualTo(ordered(model.get(path)));
			assertThat(mixed.exists(path)).as("exists(%s) %s", path, what).isEqualTo(model.exists(path));
			assertThat(mixed.childNames(path)).as("childNames(%s) %s", path, what).isEqualTo(model.childNames(path));
		}
		assertThat(ordered(mixed.get("/agg"))).as("/agg %s", what).isEqualTo(ordered(model.get("/agg")));
		Versioned<Object> versioned = mixed.getVersioned("/");
		assertThat(ordered(versioned.value())).as("getVersioned(/) %s", what)
			.isEqualTo(ordered(model.getVersioned("/").value()));
		assertThat(versioned.revision()).as("revision %s", what).isEqualTo(model.getVersioned("/").revision());
		List<String> snapshotted = new ArrayList<>(mounts);
		snapshotted.add("/");
		snapshotted.add("/a");
		for (String path : snapshotted) {
			assertThat(ordered(mixed.snapshot(path).value())).as("snapshot(%s) %s", path, what)
				.isEqualTo(ordered(model.snapshot(path).value()));
		}
	}

	private static List<String> changes(StateController state) {
		List<String> changes = new ArrayList<>();
		for (Commit commit : state.history(0, 10_000)) {
			for (ChangedPath change : commit.changes()) {
				changes.add(commit.revision() + " " + change.path() + " " + ordered(change.oldValue()) + " -> "
						+ ordered(change.newValue()));
			}
		}
		return changes;
	}

	/** A value with its branches' child order made part of equality. */
	private static @Nullable Object ordered(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			List<Object> entries = new ArrayList<>();
			map.forEach((key, child) -> entries.add(List.of(String.valueOf(key), String.valueOf(ordered(child)))));
			return entries;
		}
		return value;
	}

	private static List<StatePath> universe() {
		List<StatePath> paths = new ArrayList<>();
		paths.add(StatePath.ROOT);
		List<StatePath> level = List.of(StatePath.ROOT);
		for (int depth = 1; depth <= 3; depth++) {
			List<StatePath> next = new ArrayList<>();
			for (StatePath parent : level) {
				for (String segment : SEGMENTS) {
					next.add(parent.child(segment));
				}
			}
			paths.addAll(next);
			level = next;
		}
		return List.copyOf(paths);
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
