package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one "value after writes" ({@link StateValues#valueAfter}) and the one "changes of a commit"
 * ({@link TreeChanges}) agree with applying the writes to the whole tree
 * ({@link StateValues#applyToRoot}), for random trees, writes and payloads: the backends that do
 * not hold the whole tree (files, cache, hybrid) and the batch view report what the in-memory
 * backend reports.
 */
class TreeChangesPropertiesTest {

	@Property(tries = 300)
	void valueAfterAgreesWithTheWholeTree(@ForAll long seed) {
		Random random = new Random(seed);
		Map<String, Object> root = randomRoot(random);
		List<Write> writes = withDeletesBelowLeaves(random, root,
				withPayloads(random, CrashTestWorker.randomWrites(random)));
		Map<String, Object> after = applied(root, writes);
		StateBackend holding = holding(root);
		for (StatePath path : pathsAround(writes, random)) {
			Object expected = StateValues.getIn(after, path);
			Object before = StateValues.getIn(root, path);
			Object actual = StateValues.valueAfter(path, before, StateValues.leafDepth(holding, path, before), writes, 0);
			assertThat(StateValues.equal(actual, expected))
				.as("seed %d, %s after %s", seed, path, CrashTestWorker.encode(writes))
				.isTrue();
		}
	}

	@Example
	void aDeleteBelowALeafLeavesTheValueReadIntoIt() {
		Map<String, Object> root = StateValues.applyToRoot(StateValues.emptyBranch(),
				List.of(Write.of(StatePath.of("/items"), List.of(1, Map.of("x", 2))), Write.of(StatePath.of("/n"), 5)));
		StateBackend holding = holding(root);
		for (String below : List.of("/items/0", "/items/1", "/items/1/x", "/n/a")) {
			StatePath path = StatePath.of(below);
			Object before = StateValues.getIn(root, path);
			int leafDepth = StateValues.leafDepth(holding, path, before);
			assertThat(leafDepth).as(below).isEqualTo((before != null) ? 1 : path.depth());
			assertThat(StateValues.valueAfter(path, before, leafDepth, List.of(Write.of(path, null)), 0)).as(below)
				.isEqualTo(before);
		}
		StatePath element = StatePath.of("/items/1");
		assertThat(StateValues.valueAfter(element, Map.of("x", 2), 1, List.of(Write.of(StatePath.of("/items/1/x"), null)), 0))
			.isEqualTo(Map.of("x", 2));
		// a write that replaces the leaf first makes the delete real
		List<Write> replaced = List.of(Write.of(StatePath.of("/items"), Map.of("1", Map.of("x", 3))),
				Write.of(StatePath.of("/items/1/x"), null));
		assertThat(StateValues.valueAfter(element, Map.of("x", 2), 1, replaced, 0)).isEqualTo(Map.of());
	}

	@Property(tries = 300)
	void valueAfterFromTheLastCoveringWriteIgnoresTheValueBefore(@ForAll long seed) {
		Random random = new Random(seed);
		Map<String, Object> root = randomRoot(random);
		List<Write> writes = withPayloads(random, CrashTestWorker.randomWrites(random));
		Map<String, Object> after = applied(root, writes);
		for (StatePath path : pathsAround(writes, random)) {
			int lastCover = -1;
			for (int i = 0; i < writes.size(); i++) {
				if (writes.get(i).path().isAncestorOrSelf(path)) {
					lastCover = i;
				}
			}
			if (lastCover < 0) {
				continue;
			}
			Object stale = "not the value before";
			Object actual = StateValues.valueAfter(path, stale, writes, lastCover);
			assertThat(StateValues.equal(actual, StateValues.getIn(after, path)))
				.as("seed %d, %s after %s from %d", seed, path, CrashTestWorker.encode(writes), lastCover)
				.isTrue();
		}
	}

	@Property(tries = 300)
	void changesFromValuesBeforeAgreeWithChangesBetweenRoots(@ForAll long seed) {
		Random random = new Random(seed);
		Map<String, Object> root = randomRoot(random);
		List<Write> writes = withDeletesBelowLeaves(random, root,
				withPayloads(random, CrashTestWorker.randomWrites(random)));
		Map<String, Object> after = applied(root, writes);
		Map<StatePath, Object> payloads = TreeChanges.lastPayloads(writes);
		Map<StatePath, Object> before = new LinkedHashMap<>();
		for (StatePath path : payloads.keySet()) {
			before.put(path, StateValues.getIn(root, path));
		}
		List<Change> fromValues = TreeChanges.fromValuesBefore(payloads, before, writes, holding(root));
		List<Change> fromRoots = StateValues.changes(root, after, writes);
		String context = "seed " + seed + ": " + CrashTestWorker.encode(writes);
		assertThat(fromValues).as(context).hasSameSizeAs(fromRoots);
		for (int i = 0; i < fromRoots.size(); i++) {
			Change want = fromRoots.get(i);
			Change got = fromValues.get(i);
			assertThat(got.path()).as(context).isEqualTo(want.path());
			assertThat(got.payload()).as(context).isEqualTo(want.payload());
			assertThat(StateValues.equal(got.oldValue(), want.oldValue())).as(context).isTrue();
			assertThat(StateValues.equal(got.newValue(), want.newValue())).as(context).isTrue();
		}
		assertThat(StateValues.unchanged(fromValues)).as(context)
			.isEqualTo(allEqualAtWrittenPaths(root, after, payloads.keySet()));
	}

	@Property(tries = 300)
	void lastPayloadsKeepFirstWriteOrderAndLastPayload(@ForAll long seed) {
		Random random = new Random(seed);
		List<Write> writes = withPayloads(random, CrashTestWorker.randomWrites(random));
		Map<StatePath, Object> payloads = TreeChanges.lastPayloads(writes);
		Set<StatePath> firstOrder = new LinkedHashSet<>();
		for (Write write : writes) {
			firstOrder.add(write.path());
		}
		assertThat(new ArrayList<>(payloads.keySet())).containsExactlyElementsOf(firstOrder);
		for (StatePath path : firstOrder) {
			Object last = null;
			for (Write write : writes) {
				if (write.path().equals(path) && write.payload() != null) {
					last = write.payload();
				}
			}
			assertThat(payloads.get(path)).as("payload of %s in %s", path, writes).isEqualTo(last);
		}
	}

	/** A backend holding the tree, to ask where its leaves are. */
	private static StateBackend holding(Map<String, Object> root) {
		InMemoryBackend backend = new InMemoryBackend();
		backend.commit(new CommitRequest(List.of(Write.of(StatePath.ROOT, root)), List.of(), "t"));
		return backend;
	}

	/**
	 * Mixes in deletes that reach below a leaf of the tree (by index into an array, or below a
	 * scalar), one or two levels down, which change nothing (DESIGN §2, §4).
	 */
	private static List<Write> withDeletesBelowLeaves(Random random, Map<String, Object> root, List<Write> writes) {
		List<StatePath> leaves = new ArrayList<>();
		collectLeaves(root, StatePath.ROOT, leaves);
		List<Write> result = new ArrayList<>(writes);
		for (int i = random.nextInt(4); i > 0 && !leaves.isEmpty(); i--) {
			StatePath below = leaves.get(random.nextInt(leaves.size())).child(Integer.toString(random.nextInt(2)));
			if (random.nextBoolean()) {
				below = below.child("x");
			}
			result.add(random.nextInt(result.size() + 1), Write.of(below, null));
		}
		return result;
	}

	private static void collectLeaves(Object value, StatePath path, List<StatePath> leaves) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, child) -> collectLeaves(child, path.child((String) key), leaves));
		}
		else if (value != null) {
			leaves.add(path);
		}
	}

	private static Map<String, Object> applied(Map<String, Object> root, List<Write> writes) {
		try {
			return StateValues.applyToRoot(root, writes);
		}
		catch (StateWriteException ex) {
			Assume.that(false);
			throw ex;
		}
	}

	private static boolean allEqualAtWrittenPaths(Map<String, Object> root, Map<String, Object> after,
			Set<StatePath> paths) {
		for (StatePath path : paths) {
			if (!StateValues.equal(StateValues.getIn(root, path), StateValues.getIn(after, path))) {
				return false;
			}
		}
		return true;
	}

	private static Map<String, Object> randomRoot(Random random) {
		Map<String, Object> root = StateValues.emptyBranch();
		for (int i = random.nextInt(4); i > 0; i--) {
			try {
				root = StateValues.applyToRoot(root, CrashTestWorker.randomWrites(random));
			}
			catch (StateWriteException ex) {
				// a write below a leaf: keep the tree as it was
			}
		}
		return root;
	}

	/** Paths at, above and below the written ones, plus a path nothing touches. */
	private static Set<StatePath> pathsAround(List<Write> writes, Random random) {
		Set<StatePath> paths = new LinkedHashSet<>();
		paths.add(StatePath.ROOT);
		paths.add(StatePath.of("/untouched/path"));
		for (Write write : writes) {
			StatePath path = write.path();
			for (int depth = 0; depth <= path.depth(); depth++) {
				paths.add(path.prefix(depth));
			}
			paths.add(path.child("a"));
			paths.add(path.child("b").child("0"));
			paths.add(path.child(Integer.toString(random.nextInt(3))));
		}
		return paths;
	}

	private static List<Write> withPayloads(Random random, List<Write> writes) {
		List<Write> result = new ArrayList<>(writes.size());
		for (Write write : writes) {
			Object payload = (random.nextInt(3) == 0) ? null : "p" + random.nextInt(3);
			result.add(new Write(write.path(), write.value(), payload));
		}
		return result;
	}

}
