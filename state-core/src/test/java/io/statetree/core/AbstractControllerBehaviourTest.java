package io.statetree.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.internal.ControllerInternals;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The controller's behaviour, run against every backend: each backend's test class extends this
 * one and supplies {@link #newBackend()}.
 */
public abstract class AbstractControllerBehaviourTest {

	/**
	 * Creates a fresh, empty backend for one test.
	 * @return the backend
	 */
	protected abstract StateBackend newBackend();

	/**
	 * Scales the size of concurrency tests (1.0 by default); slow backends may lower it.
	 * @return the factor
	 */
	protected double concurrencyScale() {
		return 1.0;
	}

	/**
	 * Whether a write on an interrupted thread either commits and returns or is refused before
	 * anything is written; a backend with a known fault there overrides this and keeps a disabled
	 * test of its own.
	 * @return true unless the backend may throw after committing
	 */
	protected boolean interruptedWritesNeverThrowAfterCommitting() {
		return true;
	}

	protected StateController controller;

	protected final List<String> seen = new CopyOnWriteArrayList<>();

	@BeforeEach
	void createController() {
		this.controller = StateController.builder().backend(newBackend()).onError(StateController.OnError.LOG).build();
	}

	@AfterEach
	void closeController() {
		this.controller.close();
	}

	protected StateListener recorder(String name) {
		return (event) -> this.seen.add(name + "@" + event.path() + "<" + event.emittingPath());
	}

	public record User(String name, int age, boolean admin) {
	}

	// ---- serialisable batches as a property (jqwik runs these outside JUnit's lifecycle) ----

	/** What one operation inside a batch does. */
	enum BatchOpKind {
		/** read one counter */
		GET,
		/** {@code update} one counter by a delta */
		UPDATE,
		/** {@code get} one counter, then {@code set} it to that plus a delta */
		GET_THEN_SET,
		/** read the whole tree */
		READ_ROOT,
		/** {@code exists} on one counter */
		EXISTS,
		/** {@code getOrWrite} one counter with 0 */
		GET_OR_WRITE,
		/**
		 * read every counter and the derived sum, and throw when they disagree: a batch whose reads
		 * saw two states runs again rather than failing, so this never fails a batch
		 */
		THROW_UNLESS_SUM_AGREES,
		/** list the children of the counter's branch, and throw unless they are the counters written there */
		CHILD_NAMES
	}

	/** One operation of a batch on counter {@code counter} (an index into {@link #COUNTERS}). */
	record BatchOp(BatchOpKind kind, int counter, int delta) {
	}

	/** Counter paths: two in one branch, one below the hybrid suite's mount point. */
	static final List<String> COUNTERS = List.of("/counters/a", "/counters/b", "/persistent/c");

	@Provide
	Arbitrary<List<List<List<BatchOp>>>> batchPlans() {
		// counter 0 is hot, so batches collide often
		Arbitrary<Integer> counter = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just(0)),
				net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, COUNTERS.size() - 1)));
		Arbitrary<BatchOp> op = Combinators
			.combine(Arbitraries.of(BatchOpKind.class), counter, Arbitraries.integers().between(1, 5))
			.as(BatchOp::new);
		Arbitrary<List<BatchOp>> batch = op.list().ofMinSize(1).ofMaxSize(4);
		Arbitrary<List<List<BatchOp>>> thread = batch.list().ofMinSize(1).ofMaxSize(12);
		return thread.list().ofMinSize(2).ofMaxSize(4);
	}

	/**
	 * Creates a fresh backend for a property try. jqwik starts tries outside JUnit's lifecycle, so
	 * {@code @TempDir} fields are not set: backends that keep files use {@code scratch}.
	 * @param scratch an empty directory that is deleted after the try
	 * @return the backend
	 */
	protected StateBackend newBackend(Path scratch) {
		return newBackend();
	}

	/**
	 * Random batches of get / update / get-then-set / root reads on a few counters, run from several
	 * threads at once, end exactly where a sequential model says (every increment counted once),
	 * and a derived sum read inside each batch agrees with the counters the batch sees.
	 */
	record DispatchOp(String path, @org.jspecify.annotations.Nullable Integer value) {
	}

	@Provide
	Arbitrary<List<List<DispatchOp>>> dispatchPlans() {
		Arbitrary<DispatchOp> op = Combinators.combine(
				Arbitraries.of("/a/x", "/a/y", "/b/x", "/b/y/z", "/a", "/b"),
				Arbitraries.integers().between(0, 3).injectNull(0.2))
			.as(DispatchOp::new);
		return op.list().ofMinSize(1).ofMaxSize(25).list().ofMinSize(1).ofMaxSize(3);
	}

	/**
	 * Per listener, whatever the dispatch mode, the writers, the patterns and the cascades: each
	 * (revision, emitting path) is heard at most once, revisions never go back, and a "/**"
	 * listener hears every commit.
	 */
	@Property(tries = 12)
	void everyListenerHearsEachCommitOnceInRevisionOrder(@ForAll("dispatchPlans") List<List<DispatchOp>> plan,
			@ForAll StateController.Dispatch mode, @ForAll("patternSets") List<String> patterns) throws Exception {
		Path scratch = Files.createTempDirectory("statetree-dispatch");
		try (StateController c = StateController.builder()
			.backend(newBackend(scratch))
			.dispatch(mode)
			.queueCapacity(4)
			.offerTimeout(Duration.ofSeconds(30))
			.build()) {
			AtomicInteger changes = new AtomicInteger();
			List<String> all = new CopyOnWriteArrayList<>();
			AtomicInteger resyncs = new AtomicInteger();
			c.subscribe("/**", (e) -> {
				if (e.isResync()) {
					resyncs.incrementAndGet();
				}
				all.add(e.revision() + " " + e.emittingPath() + " " + e.path() + (e.isResync() ? " resync" : ""));
			});
			List<String> multi = new CopyOnWriteArrayList<>();
			String id = c.registerCallback((e) -> {
				multi.add(e.revision() + " " + e.emittingPath());
				if (e.revision() % 3 == 0) {
					java.util.concurrent.locks.LockSupport.parkNanos(200_000);
				}
			});
			for (String pattern : patterns) {
				c.subscribeById(pattern, id);
			}
			// a cascade: a write under /b copies a counter to /c
			c.subscribe("/b/**", (e) -> {
				if (!e.emittingPath().toString().startsWith("/c") && e.set("/c", e.revision())) {
					changes.incrementAndGet();
				}
			});
			long base = c.revision();
			long started = System.nanoTime();
			runConcurrently(plan.size(), (thread) -> {
				for (DispatchOp op : plan.get(thread)) {
					try {
						if (c.set(op.path(), op.value())) {
							changes.incrementAndGet();
						}
					}
					catch (StateWriteException ex) {
						// below a leaf: refused before anything was written
					}
				}
			});
			// no writer waited out the 30 s offer timeout (a listener waiting for itself)
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
			// until every change is heard (or a listener fell behind and was resynced)
			await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).untilAsserted(() -> {
				ControllerInternals.awaitDispatch(c, 100);
				if (resyncs.get() == 0) {
					assertThat(all.stream().map((l) -> l.substring(0, l.indexOf(' '))).distinct().count())
						.as("revisions heard by /** so far").isGreaterThanOrEqualTo(changes.get());
				}
			});
			ControllerInternals.awaitDispatch(c, 10_000);
			java.util.Set<Long> heardRevisions = new java.util.TreeSet<>();
			all.forEach((l) -> heardRevisions.add(Long.parseLong(l.substring(0, l.indexOf(' ')))));
			List<Long> missing = new ArrayList<>();
			for (long r = base + 1; r <= c.revision(); r++) {
				if (!heardRevisions.contains(r)) {
					missing.add(r);
				}
			}
			String diagnosis = "changes=" + changes.get() + " base=" + base + " revision=" + c.revision()
					+ " unheard revisions=" + missing + " heard=" + all;
			if (resyncs.get() == 0) {
				// every write that changed something is heard (a backend may count revisions of its own)
				assertThat((long) heardRevisions.size()).as(diagnosis).isEqualTo(changes.get());
			}
			for (List<String> log : List.of(all, multi)) {
				assertThat(log).doesNotHaveDuplicates();
				assertThat(log).extracting((l) -> Long.parseLong(l.substring(0, l.indexOf(' ')))).isSorted();
			}

		}
		finally {
			deleteRecursively(scratch);
		}
	}

	@Provide
	Arbitrary<List<String>> patternSets() {
		return Arbitraries.of("/**", "/a/**", "/a/*", "/{p}/x", "/a/x", "/*", "/b/y/z", "/{p}/{q}")
			.list()
			.ofMinSize(1)
			.ofMaxSize(4)
			.uniqueElements();
	}

	@Property(tries = 15)
	void randomConcurrentBatchesAgreeWithASequentialModel(@ForAll("batchPlans") List<List<List<BatchOp>>> plan)
			throws Exception {
		Path scratch = Files.createTempDirectory("statetree-batches");
		try (StateController c = StateController.builder()
			.backend(newBackend(scratch))
			.onError(StateController.OnError.LOG)
			.build()) {
			c.deriveMany("/sum", COUNTERS, (d) -> {
				int sum = 0;
				for (String counter : COUNTERS) {
					Integer n = d.get(counter, Integer.class);
					sum += (n != null) ? n : 0;
				}
				return sum;
			});
			List<String> disagreements = new CopyOnWriteArrayList<>();
			runConcurrently(plan.size(), (thread) -> {
				for (List<BatchOp> ops : plan.get(thread)) {
					String disagreement = c.batch(() -> {
						for (BatchOp op : ops) {
							String path = COUNTERS.get(op.counter());
							switch (op.kind()) {
								case GET -> c.get(path);
								case UPDATE -> c.update(path, Integer.class, (n) -> ((n != null) ? n : 0) + op.delta());
								case GET_THEN_SET -> {
									Integer n = c.get(path, Integer.class);
									c.set(path, ((n != null) ? n : 0) + op.delta());
								}
								case READ_ROOT -> c.get("/");
								case EXISTS -> c.exists(path);
								case GET_OR_WRITE -> c.getOrWrite(path, Integer.class, 0);
								case CHILD_NAMES -> {
									StatePath branch = StatePath.of(path).parent();
									List<String> names = c.childNames(branch);
									Object value = c.get(branch);
									List<String> expected = (value instanceof Map<?, ?> map)
											? map.keySet().stream().map(String::valueOf).toList() : List.of();
									if (!names.equals(expected)) {
										throw new IllegalStateException("children " + names + " but " + branch + " holds " + expected);
									}
								}
								case THROW_UNLESS_SUM_AGREES -> {
									int sum = 0;
									for (String counter : COUNTERS) {
										sum += c.get(counter, Integer.class, 0);
									}
									Integer derived = c.get("/sum", Integer.class);
									if (derived == null || derived != sum) {
										throw new IllegalStateException("counters sum to " + sum + " but /sum = " + derived);
									}
								}
							}
						}
						int seen = 0;
						for (String counter : COUNTERS) {
							Integer n = c.get(counter, Integer.class);
							seen += (n != null) ? n : 0;
						}
						Integer derived = c.get("/sum", Integer.class);
						return (derived != null && derived == seen) ? null : ops + " saw counters summing to " + seen
								+ " but /sum = " + derived;
					});
					if (disagreement != null) {
						disagreements.add(disagreement);
					}
				}
			});
			int[] expected = new int[COUNTERS.size()];
			boolean[] written = new boolean[COUNTERS.size()];
			for (List<List<BatchOp>> thread : plan) {
				for (List<BatchOp> ops : thread) {
					for (BatchOp op : ops) {
						if (op.kind() == BatchOpKind.UPDATE || op.kind() == BatchOpKind.GET_THEN_SET) {
							expected[op.counter()] += op.delta();
							written[op.counter()] = true;
						}
						else if (op.kind() == BatchOpKind.GET_OR_WRITE) {
							written[op.counter()] = true;
						}
					}
				}
			}
			int total = 0;
			for (int i = 0; i < COUNTERS.size(); i++) {
				assertThat(c.get(COUNTERS.get(i))).as(COUNTERS.get(i)).isEqualTo(written[i] ? expected[i] : null);
				total += expected[i];
			}
			assertThat(c.get("/sum")).isEqualTo(total);
			assertThat(disagreements).isEmpty();
		}
		finally {
			deleteRecursively(scratch);
		}
	}

	private static void deleteRecursively(Path directory) throws java.io.IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (var paths = Files.walk(directory)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	// ---- deletes below a leaf (DESIGN §2: an array is a leaf index segments read into; §4: a
	// delete of an absent node writes nothing and notifies no one) ----

	/** One delete in a {@link #deletesBelowLeavesAgreeWithAModel} plan: {@code delete} or {@code set(path, null)}. */
	record DeleteOp(List<String> segments, boolean viaSetNull) {
	}

	/** A step of such a plan: its deletes one by one, or together in one batch. */
	record DeleteStep(List<DeleteOp> ops, boolean batch) {
	}

	/** Branch keys, some of them array indexes, so paths reach into arrays and into branches alike. */
	private static final List<String> TREE_KEYS = List.of("a", "0", "1", "x");

	Arbitrary<Object> leafyTrees() {
		return branchOf(3);
	}

	/** A branch (never empty: its "keep" child is never deleted) of values up to {@code depth} deep. */
	private Arbitrary<Object> branchOf(int depth) {
		Arbitrary<Object> child = valueOf(depth - 1).injectNull(0.35);
		return child.list().ofSize(TREE_KEYS.size()).map((children) -> {
			Map<String, Object> branch = new LinkedHashMap<>();
			branch.put("keep", 0);
			for (int i = 0; i < TREE_KEYS.size(); i++) {
				if (children.get(i) != null) {
					branch.put(TREE_KEYS.get(i), children.get(i));
				}
			}
			return branch;
		});
	}

	/** A scalar, an array of values, or (above depth 0) a branch. */
	private Arbitrary<Object> valueOf(int depth) {
		Arbitrary<Object> scalar = Arbitraries.integers().between(1, 3).map((n) -> (Object) n);
		if (depth <= 0) {
			return scalar;
		}
		Arbitrary<Object> array = valueOf(depth - 1).list().ofMinSize(1).ofMaxSize(3).map((list) -> (Object) list);
		return Arbitraries.oneOf(scalar, array, array, branchOf(depth));
	}

	/** A tree and the deletes made in it. */
	record DeleteScenario(Object tree, List<DeleteStep> plan) {
	}

	@Provide
	Arbitrary<DeleteScenario> deleteScenarios() {
		return leafyTrees().flatMap((tree) -> {
			// paths through the tree (into arrays too), one below them, or anywhere
			List<List<String>> paths = new ArrayList<>();
			collectPaths(tree, List.of(), paths);
			if (paths.isEmpty()) {
				paths.add(List.of("a"));
			}
			Arbitrary<List<String>> anywhere = Arbitraries.of(TREE_KEYS).list().ofMinSize(1).ofMaxSize(4);
			Arbitrary<List<String>> through = Arbitraries.of(paths);
			Arbitrary<List<String>> below = Combinators.combine(through, Arbitraries.of("0", "x")).as((path, extra) -> {
				List<String> longer = new ArrayList<>(path);
				longer.add(extra);
				return longer;
			});
			Arbitrary<List<String>> segments = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, through),
					net.jqwik.api.Tuple.of(2, below), net.jqwik.api.Tuple.of(1, anywhere));
			Arbitrary<DeleteOp> op = Combinators.combine(segments, Arbitraries.of(true, false)).as(DeleteOp::new);
			Arbitrary<DeleteStep> step = Combinators
				.combine(op.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(true, false))
				.as(DeleteStep::new);
			return step.list().ofMinSize(1).ofMaxSize(6).map((plan) -> new DeleteScenario(tree, plan));
		});
	}

	/** Every path with a value below {@code value}, by key and by index, except the "keep" children. */
	private static void collectPaths(@org.jspecify.annotations.Nullable Object value, List<String> at,
			List<List<String>> out) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, child) -> {
				if (!"keep".equals(key)) {
					List<String> path = new ArrayList<>(at);
					path.add((String) key);
					out.add(path);
					collectPaths(child, path, out);
				}
			});
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				List<String> path = new ArrayList<>(at);
				path.add(Integer.toString(i));
				out.add(path);
				collectPaths(list.get(i), path, out);
			}
		}
	}

	/**
	 * Deletes and {@code null} writes at random paths through a random tree of branches, arrays and
	 * scalars (below a mount point on the hybrid suite), alone or in batches, with either dispatch:
	 * every backend ends with the model's tree, {@code delete} returns what the model says, a
	 * listener hears exactly the model's changes, and the revision moves only when the model does.
	 * The model deletes only a node whose ancestors are all branches; anything below a leaf stays.
	 */
	@Property(tries = 12)
	void deletesBelowLeavesAgreeWithAModel(@ForAll("deleteScenarios") DeleteScenario scenario, @ForAll boolean mounted,
			@ForAll StateController.Dispatch mode) throws Exception {
		Object tree = scenario.tree();
		List<DeleteStep> plan = scenario.plan();
		Path scratch = Files.createTempDirectory("statetree-below-leaf");
		String top = mounted ? "/persistent/t" : "/t";
		try (StateController c = StateController.builder().backend(newBackend(scratch)).dispatch(mode).build()) {
			c.set(top, tree);
			@SuppressWarnings("unchecked")
			Map<String, Object> model = (Map<String, Object>) deepCopy(tree);
			assertThat(c.get(top)).isEqualTo(model);
			long base = c.revision();
			java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
			c.subscribe("/**", (e) -> {
				if (e.revision() > base) {
					heard.add(e.revision() + " " + e.emittingPath());
				}
			});
			java.util.Set<String> expected = new java.util.HashSet<>();
			for (DeleteStep step : plan) {
				String context = step + " on " + model;
				if (step.batch()) {
					long before = c.revision();
					Object modelBefore = deepCopy(model);
					List<Boolean> expectedResults = new ArrayList<>();
					java.util.Set<List<String>> written = new java.util.LinkedHashSet<>();
					for (DeleteOp op : step.ops()) {
						if (modelGet(model, op.segments()) != null) {
							written.add(op.segments());
						}
						expectedResults.add(modelDelete(model, op.segments()));
					}
					List<Boolean> results = c.batch(() -> {
						List<Boolean> run = new ArrayList<>();
						for (DeleteOp op : step.ops()) {
							run.add(deleteAt(c, top, op));
						}
						return run;
					});
					assertThat(results).as(context).isEqualTo(expectedResults);
					// heard: each path the batch wrote whose value ends different from where it started
					Map<String, List<Object>> changed = new LinkedHashMap<>();
					for (List<String> segments : written) {
						Object was = modelGet(modelBefore, segments);
						Object is = modelGet(model, segments);
						if (!java.util.Objects.equals(was, is)) {
							changed.put(pathOf(top, segments), java.util.Arrays.asList(was, is));
						}
					}
					expectCommit(c, before, changed, expected, context);
				}
				else {
					for (DeleteOp op : step.ops()) {
						long before = c.revision();
						Object was = modelGet(model, op.segments());
						boolean deletes = modelDelete(model, op.segments());
						assertThat(deleteAt(c, top, op)).as(context + ": " + op).isEqualTo(deletes);
						Map<String, List<Object>> changed = new LinkedHashMap<>();
						if (deletes) {
							changed.put(pathOf(top, op.segments()), java.util.Arrays.asList(was, null));
						}
						expectCommit(c, before, changed, expected, context + ": " + op);
					}
				}
				for (DeleteOp op : step.ops()) {
					assertThat(c.get(pathOf(top, op.segments()))).as(context + " then reading " + op)
						.isEqualTo(modelGet(model, op.segments()));
				}
			}
			assertThat(c.get(top)).isEqualTo(model);
			ControllerInternals.awaitDispatch(c, 10_000);
			assertThat(heard).as("heard for " + plan).containsExactlyInAnyOrderElementsOf(expected);
		}
		finally {
			deleteRecursively(scratch);
		}
	}

	private static boolean deleteAt(StateController c, String top, DeleteOp op) {
		String path = pathOf(top, op.segments());
		return op.viaSetNull() ? c.set(path, null) : c.delete(path);
	}

	/**
	 * The revision moves exactly when something changed; then "/**" hears each changed path and
	 * each changed descendant of it (DESIGN §5).
	 * @param changed the old and new value by changed path
	 */
	private static void expectCommit(StateController c, long before, Map<String, List<Object>> changed,
			java.util.Set<String> expected, String context) {
		if (changed.isEmpty()) {
			assertThat(c.revision()).as(context).isEqualTo(before);
			return;
		}
		long revision = c.revision();
		assertThat(revision).as(context).isGreaterThan(before);
		changed.forEach((path, values) -> {
			expected.add(revision + " " + path);
			changedDescendants(path, values.get(0), values.get(1), revision, expected);
		});
	}

	/** The model's descendants of a subtree write: every branch child whose value differs, recursively. */
	private static void changedDescendants(String path, @org.jspecify.annotations.Nullable Object was,
			@org.jspecify.annotations.Nullable Object is, long revision, java.util.Set<String> expected) {
		java.util.Set<Object> keys = new java.util.LinkedHashSet<>();
		if (was instanceof Map<?, ?> map) {
			keys.addAll(map.keySet());
		}
		if (is instanceof Map<?, ?> map) {
			keys.addAll(map.keySet());
		}
		for (Object key : keys) {
			Object childWas = (was instanceof Map<?, ?> map) ? map.get(key) : null;
			Object childIs = (is instanceof Map<?, ?> map) ? map.get(key) : null;
			if (!java.util.Objects.equals(childWas, childIs)) {
				expected.add(revision + " " + path + "/" + key);
				changedDescendants(path + "/" + key, childWas, childIs, revision, expected);
			}
		}
	}

	private static String pathOf(String top, List<String> segments) {
		return top + "/" + String.join("/", segments);
	}

	/** The model's read: a branch by key, an array by index (digits, no leading zero), nothing else. */
	private static @org.jspecify.annotations.Nullable Object modelGet(@org.jspecify.annotations.Nullable Object value,
			List<String> segments) {
		Object current = value;
		for (String segment : segments) {
			if (current instanceof Map<?, ?> map) {
				current = map.get(segment);
			}
			else if (current instanceof List<?> list && segment.matches("0|[1-9][0-9]*")
					&& Integer.parseInt(segment) < list.size()) {
				current = list.get(Integer.parseInt(segment));
			}
			else {
				return null;
			}
		}
		return current;
	}

	/** The model's delete: removes a node whose ancestors are all branches; below a leaf, nothing. */
	private static boolean modelDelete(Map<String, Object> root, List<String> segments) {
		Map<?, ?> node = root;
		for (String segment : segments.subList(0, segments.size() - 1)) {
			if (!(node.get(segment) instanceof Map<?, ?> child)) {
				return false;
			}
			node = child;
		}
		return node.remove(segments.get(segments.size() - 1)) != null;
	}

	private static @org.jspecify.annotations.Nullable Object deepCopy(@org.jspecify.annotations.Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((key, child) -> copy.put((String) key, deepCopy(child)));
			return copy;
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>();
			list.forEach((element) -> copy.add(deepCopy(element)));
			return copy;
		}
		return value;
	}

	/**
	 * The examples behind {@link #deletesBelowLeavesAgreeWithAModel}: a delete through an array or
	 * a scalar deletes an absent node, so it changes nothing, takes no revision and is heard by no
	 * one, and the path still reads into the unchanged leaf.
	 */
	@Nested
	class DeletesBelowALeaf {

		@Test
		void deletingAnIndexOfAnArrayDeletesNothing() {
			controller.set("/items", List.of(1, 2));
			long revision = controller.revision();
			controller.subscribe("/**", recorder("all"));
			controller.subscribe("/items/0", recorder("index"));
			assertThat(controller.delete("/items/0")).isFalse();
			assertThat(controller.set("/items/0/x", null)).isFalse();
			assertThat(controller.delete("/items/0/x/y")).isFalse();
			assertThat(controller.delete("/items/7")).isFalse();
			assertThat(controller.get("/items/0")).isEqualTo(1);
			assertThat(controller.get("/items")).isEqualTo(List.of(1, 2));
			assertThat(controller.revision()).isEqualTo(revision);
			ControllerInternals.awaitDispatch(controller, 10_000);
			assertThat(seen).isEmpty();
		}

		@Test
		void deletingBelowAScalarOrIntoABranchInsideAnArrayDeletesNothing() {
			controller.set("/n", 5);
			controller.set("/items", List.of(Map.of("x", Map.of("y", 1))));
			long revision = controller.revision();
			controller.subscribe("/**", recorder("all"));
			for (String path : List.of("/n/a", "/n/a/b", "/n/a/b/c", "/items/0", "/items/0/x", "/items/0/x/y")) {
				assertThat(controller.delete(path)).as(path).isFalse();
			}
			assertThat(controller.get("/items/0/x")).isEqualTo(Map.of("y", 1));
			assertThat(controller.get("/items/0/x/y")).isEqualTo(1);
			assertThat(controller.get("/n")).isEqualTo(5);
			assertThat(controller.revision()).isEqualTo(revision);
			ControllerInternals.awaitDispatch(controller, 10_000);
			assertThat(seen).isEmpty();
		}

		@Test
		void insideABatchTheDeleteReturnsFalseAndTheBatchStillReadsTheArray() {
			controller.set("/items", List.of(Map.of("x", 1), 2));
			long revision = controller.revision();
			controller.subscribe("/**", recorder("all"));
			List<Object> inside = controller.batch(() -> {
				List<Object> results = new ArrayList<>();
				results.add(controller.delete("/items/0"));
				results.add(controller.set("/items/0/x", null));
				results.add(controller.get("/items/0"));
				results.add(controller.get("/items/0/x"));
				results.add(controller.exists("/items/1"));
				return results;
			});
			assertThat(inside).containsExactly(false, false, Map.of("x", 1), 1, true);
			assertThat(controller.revision()).isEqualTo(revision);
			assertThat(controller.get("/items")).isEqualTo(List.of(Map.of("x", 1), 2));
			controller.batch(() -> {
				controller.delete("/items/1");
				controller.set("/other", 1);
			});
			// a new revision (Redis numbers per namespace, where a commit that changed nothing may take one)
			assertThat(controller.revision()).isGreaterThan(revision);
			assertThat(controller.get("/items/1")).isEqualTo(2);
			ControllerInternals.awaitDispatch(controller, 10_000);
			assertThat(seen).containsExactly("all@/other</other");
		}

		@Test
		void aBatchThatWritesAnArrayThenDeletesIntoItKeepsTheArray() {
			boolean deleted = controller.batch(() -> {
				controller.set("/items", List.of(1, 2));
				return controller.delete("/items/0");
			});
			assertThat(deleted).isFalse();
			assertThat(controller.get("/items")).isEqualTo(List.of(1, 2));
			assertThat(controller.get("/items/0")).isEqualTo(1);
		}

	}

	@Nested
	class Values {

		@Test
		void emptyStoreReadsAnEmptyRootAndAbsentPathsAsNull() {
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.get("/nothing/here")).isNull();
			assertThat(controller.exists("/nothing")).isFalse();
			assertThat(controller.exists("/")).isTrue();
		}

		@Test
		void objectsBecomeBranchesAndParentsReturnSubtrees() {
			controller.set("/users/1", new User("ada", 36, true));
			assertThat(controller.get("/users/1/name")).isEqualTo("ada");
			assertThat(controller.get("/users/1/age")).isEqualTo(36);
			assertThat(controller.get("/users")).isEqualTo(Map.of("1", Map.of("name", "ada", "age", 36, "admin", true)));
			assertThat(controller.get("/users/1", User.class)).isEqualTo(new User("ada", 36, true));
			assertThat(controller.get("/users", new TypeRef<Map<String, User>>() {
			})).containsEntry("1", new User("ada", 36, true));
		}

		@Test
		void readsAreUnmodifiableAndInsertionOrdered() {
			controller.set("/m/z", 1);
			controller.set("/m/a", 2);
			controller.set("/m/k", List.of(1, 2));
			@SuppressWarnings("unchecked")
			Map<String, Object> m = (Map<String, Object>) controller.get("/m");
			assertThat(m.keySet()).containsExactly("z", "a", "k");
			assertThatThrownBy(() -> m.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
			@SuppressWarnings("unchecked")
			List<Object> list = (List<Object>) m.get("k");
			assertThatThrownBy(() -> list.add(3)).isInstanceOf(UnsupportedOperationException.class);
		}

		@Test
		void aWriteDoesNotAliasTheCallersObjects() {
			Map<String, Object> mine = new LinkedHashMap<>();
			mine.put("a", 1);
			controller.set("/x", mine);
			mine.put("a", 2);
			assertThat(controller.get("/x/a")).isEqualTo(1);
		}

		@Test
		void arraysAreLeavesReadByIndex() {
			controller.set("/items", List.of(Map.of("name", "first"), Map.of("name", "second")));
			assertThat(controller.get("/items/1/name")).isEqualTo("second");
			assertThat(controller.get("/items/2")).isNull();
			assertThatThrownBy(() -> controller.set("/items/0/name", "x")).isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/items");
		}

		@Test
		void nullDeletesAndEqualValuesWriteNothing() {
			assertThat(controller.set("/a/b", 1)).isTrue();
			long revision = controller.revision();
			assertThat(controller.set("/a/b", 1L)).isFalse();
			assertThat(controller.set("/a/b", 1.0)).isFalse();
			assertThat(controller.set("/a/b", new BigDecimal("1.00"))).isFalse();
			assertThat(controller.revision()).isEqualTo(revision);
			assertThat(controller.set("/a/b", null)).isTrue();
			assertThat(controller.get("/a/b")).isNull();
			assertThat(controller.delete("/a/b")).isFalse();
		}

		@Test
		void revisionsIncreaseByOnePerCommit() {
			long start = controller.revision();
			controller.set("/a", 1);
			controller.set("/b", 2);
			controller.batch(() -> {
				controller.set("/c", 3);
				controller.set("/d", 4);
			});
			assertThat(controller.revision()).isEqualTo(start + 3);
		}

		@Test
		void writingBelowALeafFailsAndChangesNothing() {
			controller.set("/a", 5);
			long revision = controller.revision();
			assertThatThrownBy(() -> controller.set("/a/b", 1)).isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/a/b")
				.hasMessageContaining("leaf");
			assertThat(controller.get("/a")).isEqualTo(5);
			assertThat(controller.revision()).isEqualTo(revision);
		}

		@Test
		void theRootIsAlwaysABranch() {
			assertThatThrownBy(() -> controller.set("/", 5)).isInstanceOf(StateWriteException.class);
			controller.set("/", Map.of("a", 1));
			assertThat(controller.get("/")).isEqualTo(Map.of("a", 1));
			controller.delete("/");
			assertThat(controller.get("/")).isEqualTo(Map.of());
		}

		@Test
		void unmappableValuesFailBeforeAnythingIsWritten() {
			Map<String, Object> cyclic = new LinkedHashMap<>();
			cyclic.put("self", cyclic);
			assertThatThrownBy(() -> controller.set("/c", cyclic)).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/c");
			assertThatThrownBy(() -> controller.set("/t", new Thread())).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/t");
			assertThatThrownBy(() -> controller.set("/k", Map.of("a/b", 1))).isInstanceOf(InvalidPathException.class)
				.hasMessageContaining("a/b");
			assertThat(controller.get("/")).isEqualTo(Map.of());
		}

		@Test
		void typedDefaultsAndGetOrWrite() {
			assertThat(controller.get("/n", Integer.class, 7)).isEqualTo(7);
			assertThat(controller.getOrWrite("/n", Integer.class, 3)).isEqualTo(3);
			assertThat(controller.getOrWrite("/n", Integer.class, 9)).isEqualTo(3);
			assertThat(controller.get("/n")).isEqualTo(3);
		}

		@Test
		void updateIsAReadModifyWrite() {
			assertThat(controller.update("/count", Integer.class, (c) -> (c == null) ? 1 : c + 1)).isEqualTo(1);
			assertThat(controller.update("/count", Integer.class, (c) -> c + 1)).isEqualTo(2);
			assertThat(controller.get("/count")).isEqualTo(2);
		}

	}

	/**
	 * The model's rules for written values (exact numbers, the nesting limit, keys as path
	 * segments), with the exact inputs of the issue that found them broken. The same rules over
	 * random inputs: {@code AbstractValueRulesProperties}.
	 */
	@Nested
	class ValueRules {

		@Test
		void aBigDecimalKeepsItsExactValueAndTheNextWriteIsNotLost() {
			List<Object> heard = new CopyOnWriteArrayList<>();
			controller.subscribe("/wallet/balance", (event) -> heard.add(event.newValue()));
			assertThat(controller.set("/wallet/balance", new BigDecimal("1.000000000000000001"))).isTrue();
			assertThat(controller.get("/wallet/balance")).isEqualTo(new BigDecimal("1.000000000000000001"));
			assertThat(controller.get("/wallet")).isEqualTo(Map.of("balance", new BigDecimal("1.000000000000000001")));
			assertThat(controller.set("/wallet/balance", new BigDecimal("1.000000000000000002"))).isTrue();
			assertThat(controller.get("/wallet/balance")).isEqualTo(new BigDecimal("1.000000000000000002"));
			assertThat(controller.set("/wallet/balance", new BigDecimal("1.000000000000000002"))).isFalse();
			org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(heard)
				.containsExactly(new BigDecimal("1.000000000000000001"), new BigDecimal("1.000000000000000002")));
		}

		@Test
		void numbersKeepTheirJavaType() {
			controller.set("/n", Map.of("int", 7, "long", 1L << 40, "big", new BigInteger("123456789012345678901234567890"),
					"double", 0.1, "decimal", new BigDecimal("0.1"), "whole", new BigDecimal("100"), "float", 1.1f));
			assertThat(controller.get("/n/int")).isEqualTo(7);
			assertThat(controller.get("/n/long")).isEqualTo(1L << 40);
			assertThat(controller.get("/n/big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
			assertThat(controller.get("/n/double")).isEqualTo(0.1);
			assertThat(controller.get("/n/decimal")).isEqualTo(new BigDecimal("0.1"));
			assertThat(controller.get("/n/whole")).isEqualTo(new BigDecimal("100"));
			assertThat(controller.get("/n/float")).isEqualTo(1.1);
			assertThat(controller.get("/n/double", BigDecimal.class)).isEqualTo(new BigDecimal("0.1"));
			controller.set("/w/balance", new BigDecimal("1.000000000000000001"));
			assertThat(controller.get("/w", new TypeRef<Map<String, Object>>() {
			})).isEqualTo(Map.of("balance", new BigDecimal("1.000000000000000001")));
			assertThat(controller.get("/w/balance", BigDecimal.class)).isEqualTo(new BigDecimal("1.000000000000000001"));
			assertThat(controller.get("/w/balance", Number.class)).isEqualTo(new BigDecimal("1.000000000000000001"));
			controller.set("/price", new Price(new BigDecimal("1.50"), 0.25, 3.5f));
			assertThat(controller.get("/price")).isEqualTo(Map.of("amount", new BigDecimal("1.50"), "rate", 0.25, "weight", 3.5));
			assertThat(controller.get("/price/amount")).isEqualTo(new BigDecimal("1.50"));
			assertThat(controller.get("/price", Price.class)).isEqualTo(new Price(new BigDecimal("1.50"), 0.25, 3.5f));
			assertThatThrownBy(() -> controller.set("/price", new Price(BigDecimal.ONE, Double.NaN, 1f)))
				.isInstanceOf(StateValueException.class)
				.hasMessageContaining("/price/rate");
		}

		@Test
		void nanAndInfinitiesAreRefusedBeforeAnythingIsWritten() {
			long revision = controller.revision();
			for (Object number : List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN,
					Float.POSITIVE_INFINITY)) {
				assertThatThrownBy(() -> controller.set("/wallet/balance", number)).isInstanceOf(StateValueException.class)
					.hasMessageContaining("/wallet/balance")
					.hasMessageContaining("not a finite number")
					.hasMessageNotContaining("Infinity");
				assertThatThrownBy(() -> controller.set("/wallet", Map.of("list", List.of(1, number))))
					.isInstanceOf(StateValueException.class)
					.hasMessageContaining("/wallet/list/1");
			}
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.revision()).isEqualTo(revision);
		}

		@Test
		void infinityIsNotAHugeDecimal() {
			assertThat(controller.set("/x", new BigDecimal("1E+400"))).isTrue();
			assertThatThrownBy(() -> controller.set("/x", Double.POSITIVE_INFINITY)).isInstanceOf(StateValueException.class);
			assertThat(controller.get("/x")).isEqualTo(new BigDecimal("1E+400"));
		}

		@Test
		void numbersBeyondTheReadLimitsAreRefusedAndTheTreeStaysReadable() {
			BigInteger thousandDigits = BigInteger.TEN.pow(999);
			BigInteger thousandAndOne = BigInteger.TEN.pow(1000);
			assertThatThrownBy(() -> controller.set("/big", thousandAndOne)).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/big")
				.hasMessageContaining("1001 digits");
			assertThatThrownBy(() -> controller.set("/big", new BigDecimal("1e999999999")))
				.isInstanceOf(StateValueException.class)
				.hasMessageContaining("/big");
			assertThatThrownBy(() -> controller.set("/big", new BigDecimal("1E+10000")))
				.isInstanceOf(StateValueException.class);
			assertThatThrownBy(() -> controller.set("/big", new BigDecimal("1E-10000")))
				.isInstanceOf(StateValueException.class);
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.set("/big", new BigDecimal("1E+9999"))).isTrue();
			assertThat(controller.get("/big")).isEqualTo(new BigDecimal("1E+9999"));
			assertThat(controller.set("/big", thousandDigits)).isTrue();
			assertThat(controller.get("/")).isEqualTo(Map.of("big", thousandDigits));
			assertThat(controller.set("/big", thousandDigits.negate())).isTrue();
			assertThat(controller.get("/big")).isEqualTo(thousandDigits.negate());
		}

		@Test
		void valuesNestedBeyondThePathLimitAreRefusedBeforeAnythingIsWritten() {
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			controller.subscribe("/**", heard::add);
			long revision = controller.revision();
			assertThatThrownBy(() -> controller.set("/deep", nested(130))).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/deep")
				.hasMessageContaining("128");
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.set("/other", 1);
				controller.set("/deep", nested(128));
			})).isInstanceOf(StateValueException.class);
			assertThatThrownBy(() -> controller.set("/deep", nestedLists(128))).isInstanceOf(StateValueException.class);
			assertThatThrownBy(() -> controller.update("/deep", Object.class, (v) -> nested(128)))
				.isInstanceOf(StateValueException.class);
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.revision()).isEqualTo(revision);
			assertThat(heard).isEmpty();
			// exactly at the limit: /deep plus 127 levels is 128 segments
			assertThat(controller.set("/deep", nested(127))).isTrue();
			assertThat(controller.get("/")).isEqualTo(Map.of("deep", nested(127)));
			Object stored = controller.get("/deep");
			assertThatThrownBy(() -> controller.set("/deeper/still", stored)).isInstanceOf(StateValueException.class);
			assertThat(controller.delete("/deep")).isTrue();
			assertThat(controller.get("/")).isEqualTo(Map.of());
			org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(heard).isNotEmpty());
		}

		@Test
		void badKeysInsideAWrittenObjectAreRefusedNamingTheKey() {
			long revision = controller.revision();
			for (String key : List.of("a/b", "..", ".", "", "*", "**", "{x}", "k".repeat(256), "a\u0001b")) {
				String shown = key.replace("\u0001", "\\u0001");
				String real = key;
				assertThatThrownBy(() -> controller.set("/users/1", Map.of("ok", 1, "nested", Map.of(real, 1))))
					.as(shown)
					.isInstanceOf(InvalidPathException.class)
					.hasMessageContaining("'" + shown + "'")
					.hasMessageContaining("/users/1/nested");
				assertThatThrownBy(() -> controller.set("/users/1", Map.of("list", List.of(Map.of(real, 1)))))
					.isInstanceOf(InvalidPathException.class)
					.hasMessageContaining("/users/1/list/0");
			}
			assertThat(controller.get("/")).isEqualTo(Map.of());
			assertThat(controller.revision()).isEqualTo(revision);
		}

	}

	public record Price(BigDecimal amount, double rate, float weight) {
	}

	static Object nested(int levels) {
		Object value = "leaf";
		for (int i = 0; i < levels; i++) {
			value = Map.of("k", value);
		}
		return value;
	}

	static Object nestedLists(int levels) {
		Object value = 1;
		for (int i = 0; i < levels; i++) {
			value = List.of(value);
		}
		return value;
	}

	@Nested
	class Events {

		@Test
		void bubblingNotifiesAncestorsDeepestFirstWithTheEmittingPath() {
			controller.subscribe("/", recorder("root"));
			controller.subscribe("/a", recorder("a"));
			controller.subscribe("/a/b", recorder("ab"));
			controller.subscribe("/a/b/c", recorder("abc"));
			controller.set("/a/b/c", 1);
			assertThat(seen).containsExactly("abc@/a/b/c</a/b/c", "ab@/a/b</a/b/c", "a@/a</a/b/c", "root@/</a/b/c");
		}

		@Test
		void wildcardsHearOnceAtTheDeepestMatch() {
			controller.subscribe("/a/**", recorder("deep"));
			controller.subscribe("/a/*", recorder("one"));
			controller.set("/a/b/c", 1);
			assertThat(seen).containsExactly("deep@/a/b/c</a/b/c", "one@/a/b</a/b/c");
		}

		@Test
		void stopBubblingEndsTheWalk() {
			controller.subscribe("/a", recorder("a"));
			controller.subscribe("/a/b", (e) -> {
				seen.add("ab");
				e.stopBubbling();
			});
			controller.subscribe("/a/b", recorder("ab2"));
			controller.set("/a/b", 1);
			assertThat(seen).containsExactly("ab", "ab2@/a/b</a/b");
		}

		@Test
		void listenersBelowAReplacedSubtreeAreNotified() {
			controller.set("/users", Map.of("1", Map.of("name", "ada"), "2", Map.of("name", "bob")));
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/users/*/name", events::add);
			controller.set("/users", Map.of("1", Map.of("name", "ada"), "2", Map.of("name", "bea")));
			assertThat(events).hasSize(1);
			assertThat(events.get(0).path()).hasToString("/users/2/name");
			assertThat(events.get(0).emittingPath()).hasToString("/users/2/name");
			assertThat(events.get(0).prevValue()).isEqualTo("bob");
			assertThat(events.get(0).newValue()).isEqualTo("bea");
			events.clear();
			controller.delete("/users");
			assertThat(events).extracting((e) -> e.path().toString())
				.containsExactlyInAnyOrder("/users/1/name", "/users/2/name");
			assertThat(events).extracting(StateEvent::newValue).containsOnlyNulls();
		}

		@Test
		void descendantsGoOutBeforeTheBubblingWalkDeepestFirst() {
			controller.set("/a", Map.of("b", Map.of("c", 1)));
			controller.subscribe("/a/b/c", recorder("c"));
			controller.subscribe("/a/b", recorder("b"));
			controller.subscribe("/a", recorder("a"));
			controller.set("/a", Map.of("b", Map.of("c", 2)));
			assertThat(seen).containsExactly("c@/a/b/c</a/b/c", "b@/a/b</a/b", "a@/a</a");
		}

		@Test
		void payloadAndValuesAreRightAtEveryLevel() {
			List<StateEvent> events = new ArrayList<>();
			controller.set("/a/b", 1);
			controller.subscribe("/a/b", events::add);
			controller.subscribe("/a", events::add);
			controller.subscribe("/", events::add);
			controller.set("/a/b", 2, WriteOptions.payload("why"));
			assertThat(events).hasSize(3);
			for (StateEvent event : events) {
				assertThat(event.emittingPath()).hasToString("/a/b");
				assertThat(event.prevValue()).isEqualTo(1);
				assertThat(event.newValue()).isEqualTo(2);
				assertThat(event.payload()).isEqualTo("why");
				assertThat(event.revision()).isEqualTo(controller.revision());
				assertThat(event.origin()).isEqualTo(controller.instanceId());
			}
			assertThat(events).extracting((e) -> e.path().toString()).containsExactly("/a/b", "/a", "/");
		}

		@Test
		void pathVariablesAreCaptured() {
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/users/{id}/{field}", events::add);
			controller.set("/users/42/name", "ada");
			assertThat(events).singleElement()
				.satisfies((e) -> assertThat(e.pathVariables()).containsEntry("id", "42").containsEntry("field", "name"));
		}

		@Test
		void aNoOpWriteNotifiesNoOne() {
			controller.set("/a", Map.of("b", 1));
			controller.subscribe("/**", recorder("all"));
			controller.set("/a", Map.of("b", 1));
			controller.set("/a/b", 1);
			controller.delete("/zzz");
			assertThat(seen).isEmpty();
		}

		@Test
		void listenersRunInRegistrationOrderAndOncePerCallback() {
			StateListener both = recorder("both");
			controller.subscribe("/x/*", recorder("first"));
			controller.subscribe("/x/y", both);
			controller.subscribe("/x/**", both);
			controller.subscribe("/x/y", both);
			controller.subscribe("/x/{v}", recorder("last"));
			controller.set("/x/y", 1);
			assertThat(seen).containsExactly("first@/x/y</x/y", "both@/x/y</x/y", "last@/x/y</x/y");
		}

		@Test
		void unsubscribeReallyStopsDelivery() {
			StateListener listener = recorder("l");
			Subscription subscription = controller.subscribe("/a", listener);
			controller.set("/a", 1);
			subscription.close();
			controller.set("/a", 2);
			controller.subscribe("/b", listener);
			assertThat(controller.unsubscribe("/b", listener)).isTrue();
			controller.set("/b", 1);
			assertThat(seen).containsExactly("l@/a</a");
		}

		@Test
		void aFailingListenerDoesNotStopTheOthersAndTheWriteStays() {
			controller.subscribe("/a", (e) -> {
				throw new IllegalStateException("boom");
			});
			controller.subscribe("/a", recorder("ok"));
			assertThat(controller.set("/a", 1)).isTrue();
			assertThat(seen).containsExactly("ok@/a</a");
			assertThat(controller.get("/a")).isEqualTo(1);
		}

		@Test
		void rethrowModeRethrowsAfterAllListenersRan() {
			try (StateController strict = StateController.builder()
				.backend(newBackend())
				.onError(StateController.OnError.RETHROW)
				.build()) {
				strict.subscribe("/a", (e) -> {
					throw new IllegalStateException("boom");
				});
				strict.subscribe("/a", recorder("ok"));
				assertThatThrownBy(() -> strict.set("/a", 1)).hasMessage("boom");
				assertThat(seen).containsExactly("ok@/a</a");
				assertThat(strict.get("/a")).isEqualTo(1);
			}
		}

		@Test
		void listenerWritesAreDeliveredAfterTheCurrentDispatch() {
			controller.subscribe("/a", (e) -> {
				seen.add("a1:" + e.newValue());
				e.set("/b", e.newValue());
				seen.add("a1-done");
			});
			controller.subscribe("/a", (e) -> seen.add("a2:" + e.newValue()));
			controller.subscribe("/b", (e) -> seen.add("b:" + e.newValue()));
			controller.set("/a", 1);
			assertThat(seen).containsExactly("a1:1", "a1-done", "a2:1", "b:1");
			assertThat(controller.get("/b")).isEqualTo(1);
		}

		@Test
		void anEndlessCascadeIsStopped() {
			controller.subscribe("/n", (e) -> e.set("/n", ((Integer) e.newValue()) + 1));
			controller.set("/n", 0);
			assertThat((Integer) controller.get("/n")).isBetween(1000, 1002);
		}

		@Test
		void pingNotifiesWithoutWriting() {
			controller.set("/a/b", 1);
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/a", events::add);
			long revision = controller.revision();
			controller.ping("/a/b", "hello");
			assertThat(events).singleElement().satisfies((e) -> {
				assertThat(e.isPing()).isTrue();
				assertThat(e.payload()).isEqualTo("hello");
				assertThat(e.emittingPath()).hasToString("/a/b");
				assertThat(e.newValue()).isEqualTo(1);
			});
			assertThat(controller.revision()).isEqualTo(revision);
		}

		@Test
		void callbacksById() {
			StateListener listener = recorder("cb");
			String id = controller.registerCallback(listener);
			assertThat(controller.registerCallback(listener)).isEqualTo(id);
			assertThat(controller.registerCallback(recorder("stats"), "stats", false)).isEqualTo("stats");
			assertThatThrownBy(() -> controller.registerCallback(recorder("other"), "stats", false))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("stats");
			assertThatThrownBy(() -> controller.subscribeById("/x", "nope")).isInstanceOf(IllegalArgumentException.class);
			controller.subscribeById("/s", "stats");
			controller.subscribeById("/s", id);
			controller.set("/s", 1);
			controller.registerCallback(recorder("replaced"), "stats", true);
			controller.set("/s", 2);
			assertThat(controller.unsubscribeById("/s", "stats")).isTrue();
			controller.set("/s", 3);
			assertThat(seen).containsExactly("stats@/s</s", "cb@/s</s", "replaced@/s</s", "cb@/s</s", "cb@/s</s");
		}

		@Test
		void watchHonoursDemand() throws Exception {
			List<StateEvent> received = new CopyOnWriteArrayList<>();
			java.util.concurrent.Flow.Subscription[] handle = new java.util.concurrent.Flow.Subscription[1];
			controller.watch("/w/*").subscribe(new java.util.concurrent.Flow.Subscriber<>() {
				@Override
				public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
					handle[0] = s;
				}

				@Override
				public void onNext(StateEvent item) {
					received.add(item);
				}

				@Override
				public void onError(Throwable t) {
				}

				@Override
				public void onComplete() {
				}
			});
			controller.set("/w/a", 1);
			controller.set("/w/b", 2);
			assertThat(received).isEmpty();
			handle[0].request(1);
			assertThat(received).extracting((e) -> e.path().toString()).containsExactly("/w/a");
			handle[0].request(5);
			controller.set("/w/c", 3);
			assertThat(received).extracting((e) -> e.path().toString()).containsExactly("/w/a", "/w/b", "/w/c");
			handle[0].cancel();
			controller.set("/w/d", 4);
			assertThat(received).hasSize(3);
		}

	}

	@Nested
	class Batches {

		@Test
		void aBatchCommitsOnceAndListenersHearEachPathOnce() {
			controller.set("/a", 1);
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/*", events::add);
			long revision = controller.revision();
			controller.batch(() -> {
				controller.set("/a", 2);
				controller.set("/a", 3);
				controller.set("/b", 1);
				controller.set("/c", 1);
				controller.delete("/c");
				assertThat(controller.get("/a")).isEqualTo(3);
				assertThat(controller.get("/")).isEqualTo(Map.of("a", 3, "b", 1));
			});
			assertThat(controller.revision()).isEqualTo(revision + 1);
			assertThat(events).extracting((e) -> e.path() + ":" + e.prevValue() + "->" + e.newValue())
				.containsExactly("/a:1->3", "/b:null->1");
			assertThat(events).extracting(StateEvent::revision).containsOnly(revision + 1);
		}

		@Test
		void anExceptionAppliesNothing() {
			controller.set("/a", 1);
			controller.subscribe("/**", recorder("all"));
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.set("/a", 2);
				controller.set("/b", 2);
				throw new IllegalStateException("no");
			})).hasMessage("no");
			assertThat(controller.get("/")).isEqualTo(Map.of("a", 1));
			assertThat(seen).isEmpty();
		}

		@Test
		void nestedBatchesJoinTheOuterOne() {
			long revision = controller.revision();
			controller.batch(() -> {
				controller.set("/a", 1);
				controller.batch(() -> controller.set("/b", 2));
				assertThat(controller.get("/b")).isEqualTo(2);
			});
			assertThat(controller.revision()).isEqualTo(revision + 1);
			assertThat(controller.get("/")).isEqualTo(Map.of("a", 1, "b", 2));
		}

		@Test
		void updateWorksInsideABatchAndAPathEndingWhereItStartedEmitsNothing() {
			controller.set("/n", 1);
			controller.subscribe("/n", recorder("n"));
			int result = controller.batch(() -> {
				controller.update("/n", Integer.class, (n) -> n + 1);
				return controller.update("/n", Integer.class, (n) -> n - 1);
			});
			assertThat(result).isEqualTo(1);
			assertThat(seen).isEmpty();
		}

		@Test
		void aBatchWritingBelowALeafFailsWhole() {
			controller.set("/leaf", 1);
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.set("/ok", 1);
				controller.set("/leaf/x", 1);
			})).isInstanceOf(StateWriteException.class);
			assertThat(controller.get("/ok")).isNull();
		}

	}

	/**
	 * Batches are serialisable (DESIGN §4): the paths a batch read are checked when it commits, and
	 * its function runs again on fresh state when one of them changed.
	 */
	@Nested
	class SerialisableBatches {

		@Test
		void concurrentBatchedUpdatesLoseNothing() throws Exception {
			runConcurrently(8, (thread) -> {
				for (int i = 0; i < 50; i++) {
					controller.batch(() -> controller.update("/n", Integer.class, (x) -> (x == null) ? 1 : x + 1));
				}
			});
			assertThat(controller.get("/n")).isEqualTo(400);
		}

		@Test
		void concurrentBatchedGetThenSetLoseNothing() throws Exception {
			runConcurrently(8, (thread) -> {
				for (int i = 0; i < 50; i++) {
					controller.batch(() -> {
						Integer n = controller.get("/n", Integer.class);
						controller.set("/n", (n == null) ? 1 : n + 1);
					});
				}
			});
			assertThat(controller.get("/n")).isEqualTo(400);
		}

		@Test
		void aBatchThatReadAnAbsentPathRunsAgainWhenItIsCreatedMeanwhile() {
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				Object seen = controller.get("/config/limit");
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.set("/config/limit", 10));
				}
				controller.set("/copy", (seen == null) ? "none" : seen);
			});
			assertThat(runs).hasValue(2);
			assertThat(controller.get("/copy")).isEqualTo(10);
		}

		@Test
		void aBatchThatReadASubtreeRunsAgainWhenAPathBelowItChanges() {
			controller.set("/users", Map.of("ada", Map.of("age", 36)));
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				@SuppressWarnings("unchecked")
				Map<String, Object> users = (Map<String, Object>) controller.get("/users");
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.set("/users/bob/age", 20));
				}
				controller.set("/userCount", users.size());
			});
			assertThat(runs).hasValue(2);
			assertThat(controller.get("/userCount")).isEqualTo(2);
		}

		@Test
		void existsAndGetOrWriteAreReadsToo() {
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				boolean there = controller.exists("/flag");
				int limit = controller.getOrWrite("/limit", Integer.class, 5);
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.batch(() -> {
						controller.set("/flag", true);
						controller.set("/limit", 7);
					}));
				}
				controller.set("/summary", there + ":" + limit);
			});
			assertThat(runs).hasValue(2);
			assertThat(controller.get("/summary")).isEqualTo("true:7");
		}

		@Test
		void aSetSkippedBecauseTheValueIsAlreadyThereCountsAsARead() {
			controller.set("/n", 5);
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				Integer n = controller.get("/n", Integer.class);
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.set("/n", 6));
				}
				// on the first run the value is already 6 here: writing nothing must not lose the increment
				controller.set("/n", n + 1);
			});
			assertThat(runs).hasValue(2);
			assertThat(controller.get("/n")).isEqualTo(7);
		}

		@Test
		void readsOfTheBatchsOwnWritesAreNotChecked() {
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				controller.set("/mine", 1);
				Object mine = controller.get("/mine");
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.set("/mine", 99));
				}
				controller.set("/copy", mine);
			});
			assertThat(runs).hasValue(1);
			assertThat(controller.get("/mine")).isEqualTo(1);
			assertThat(controller.get("/copy")).isEqualTo(1);
		}

		@Test
		void aReadOnlyBatchSeesOneStateOfTheTree() {
			controller.batch(() -> {
				controller.set("/pair/a", 0);
				controller.set("/pair/b", 0);
			});
			AtomicInteger runs = new AtomicInteger();
			String seen = controller.batch(() -> {
				Object a = controller.get("/pair/a");
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.batch(() -> {
						controller.set("/pair/a", 1);
						controller.set("/pair/b", 1);
					}));
				}
				return a + "," + controller.get("/pair/b");
			});
			assertThat(seen).isIn("0,0", "1,1");
		}

		@Test
		void aBatchWhoseReadsKeepChangingGivesUpAfterOneHundredRunsAndWritesNothing() {
			controller.set("/hot", 0);
			AtomicInteger runs = new AtomicInteger();
			long revision = controller.backend().revision();
			StateBackend backend = controller.backend();
			assertThatThrownBy(() -> controller.batch(() -> {
				Integer hot = controller.get("/hot", Integer.class);
				int run = runs.incrementAndGet();
				// another writer (another instance, say) changes what it read on every run
				backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/hot"), run)), List.of(), "other"));
				controller.set("/cold", hot);
			})).isInstanceOf(StateException.class).hasMessageContaining("100 attempts").hasMessageContaining("/hot");
			assertThat(runs).hasValue(100);
			assertThat(controller.get("/cold")).isNull();
			assertThat(controller.get("/hot")).isEqualTo(100);
			assertThat(backend.revision()).isEqualTo(revision + 100);
		}

		@Test
		void manyThreadsRunningBatchesOnOneHotPathNeverGiveUp() throws Exception {
			// a batch that lost once runs again under the commit lock, so local writers cannot starve it
			runConcurrently(16, (thread) -> {
				for (int i = 0; i < 20; i++) {
					controller.batch(() -> {
						Integer n = controller.get("/hot", Integer.class);
						controller.set("/hot", (n == null) ? 1 : n + 1);
					});
				}
			});
			assertThat(controller.get("/hot")).isEqualTo(320);
		}

		@Test
		void anExceptionInARetriedRunStillAppliesNothing() {
			AtomicInteger runs = new AtomicInteger();
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.get("/x");
				controller.set("/partial", 1);
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.set("/x", 1));
					return;
				}
				throw new IllegalStateException("second run fails");
			})).hasMessage("second run fails");
			assertThat(controller.get("/partial")).isNull();
			assertThat(controller.get("/x")).isEqualTo(1);
		}

		@Test
		void aDerivedValueReadInsideABatchAgreesWithTheBatchsWrites() {
			controller.set("/cart/items", 0);
			controller.derive("/cart/double", "/cart/items", Integer.class, (n) -> (n == null) ? null : 2 * n);
			Object[] seen = new Object[3];
			controller.batch(() -> {
				controller.set("/cart/items", 1);
				seen[0] = controller.get("/cart/double");
				seen[1] = controller.get("/cart");
				controller.set("/cart/items", 5);
				seen[2] = controller.get("/cart/double", Integer.class);
			});
			assertThat(seen[0]).isEqualTo(2);
			assertThat(seen[1]).isEqualTo(Map.of("items", 1, "double", 2));
			assertThat(seen[2]).isEqualTo(10);
			assertThat(controller.get("/cart/double")).isEqualTo(10);
		}

		@Test
		void chainedAndTrackedDerivationsInsideABatchAgreeWithItsWrites() {
			controller.set("/price", 2);
			controller.set("/qty", 3);
			controller.deriveMany("/total", List.of("/price", "/qty"),
					(d) -> d.get("/price", Integer.class) * d.get("/qty", Integer.class));
			controller.deriveTracked("/label", (view) -> "total=" + view.get("/total"));
			String label = controller.batch(() -> {
				controller.set("/qty", 10);
				return controller.get("/label", String.class);
			});
			assertThat(label).isEqualTo("total=20");
			assertThat(controller.get("/label")).isEqualTo("total=20");
		}

		@Test
		void aDerivedValueReadInsideABatchRunsItAgainWhenItsSourceChangesMeanwhile() {
			controller.set("/cart/items", 1);
			controller.set("/cart/extra", 0);
			controller.deriveMany("/cart/total", List.of("/cart/items", "/cart/extra"),
					(d) -> d.get("/cart/items", Integer.class) + d.get("/cart/extra", Integer.class));
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				controller.set("/cart/items", 2);
				Object total = controller.get("/cart/total");
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.set("/cart/extra", 100));
				}
				controller.set("/cart/seen", total);
			});
			assertThat(runs).hasValue(2);
			assertThat(controller.get("/cart/seen")).isEqualTo(102);
		}

	}

	/** Runs an action on another thread and waits for it (a concurrent writer, deterministically timed). */
	protected static void elsewhere(Runnable action) {
		Throwable[] failure = new Throwable[1];
		Thread thread = new Thread(() -> {
			try {
				action.run();
			}
			catch (Throwable ex) {
				failure[0] = ex;
			}
		}, "concurrent-writer");
		thread.start();
		try {
			thread.join(TimeUnit.MINUTES.toMillis(1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		if (thread.isAlive()) {
			throw new IllegalStateException("The concurrent writer did not finish within a minute");
		}
		if (failure[0] != null) {
			throw new IllegalStateException("The concurrent writer failed", failure[0]);
		}
	}

	/** Work for one thread of {@link #runConcurrently}. */
	@FunctionalInterface
	protected interface ThreadWork {

		void run(int thread) throws Exception;

	}

	/** Runs work on several threads started together and waits for all, rethrowing the first failure. */
	protected static void runConcurrently(int threads, ThreadWork work) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					start.await();
					work.run(thread);
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Nested
	class Derived {

		@Test
		void aDerivationIsComputedAtRegistrationAndAfterEveryChangeOfItsSource() {
			controller.set("/users", Map.of("1", new User("ada", 36, true)));
			AtomicInteger runs = new AtomicInteger();
			controller.derive("/stats/admins", "/users", new TypeRef<Map<String, User>>() {
			}, (users) -> {
				runs.incrementAndGet();
				return (users == null) ? 0 : users.values().stream().filter(User::admin).count();
			});
			assertThat(controller.get("/stats/admins")).isEqualTo(1);
			controller.set("/users/2", new User("bob", 20, true));
			assertThat(controller.get("/stats/admins")).isEqualTo(2);
			controller.set("/unrelated", 1);
			controller.set("/users/2/age", 20);
			assertThat(runs).hasValue(2);
			controller.delete("/users");
			assertThat(controller.get("/stats/admins")).isEqualTo(0);
		}

		@Test
		void aDerivedWriteJoinsTheSourceCommit() {
			controller.derive("/double", "/n", Integer.class, (n) -> (n == null) ? null : n * 2);
			List<String> consistent = new ArrayList<>();
			controller.subscribe("/**", (e) -> consistent.add(e.path() + ":" + controller.get("/n") + "/" + controller.get("/double")));
			long revision = controller.revision();
			controller.set("/n", 5);
			assertThat(controller.revision()).isEqualTo(revision + 1);
			assertThat(consistent).allSatisfy((s) -> assertThat(s).endsWith(":5/10"));
		}

		@Test
		void aDiamondRecomputesTheBottomOnceAndNeverGlitches() {
			AtomicInteger dRuns = new AtomicInteger();
			controller.set("/a", 1);
			controller.derive("/b", "/a", Integer.class, (a) -> a + 1);
			controller.derive("/c", "/a", Integer.class, (a) -> a * 10);
			controller.deriveMany("/d", List.of("/b", "/c"), (data) -> {
				dRuns.incrementAndGet();
				return data.get("/b", Integer.class) + data.get("/c", Integer.class);
			});
			assertThat(controller.get("/d")).isEqualTo(12);
			List<String> problems = new ArrayList<>();
			controller.subscribe("/d", (e) -> {
				int a = controller.get("/a", Integer.class);
				if (!e.newValue().equals((a + 1) + a * 10)) {
					problems.add("d=" + e.newValue() + " a=" + a);
				}
			});
			dRuns.set(0);
			controller.set("/a", 2);
			assertThat(dRuns).hasValue(1);
			assertThat(controller.get("/d")).isEqualTo(23);
			assertThat(problems).isEmpty();
		}

		@Test
		void cyclesFailAtRegistrationAndNothingStaysRegistered() {
			controller.derive("/b", "/a", (a) -> a);
			controller.derive("/c", "/b", (b) -> b);
			assertThatThrownBy(() -> controller.derive("/a", "/c", (c) -> c)).isInstanceOf(DerivationCycleException.class)
				.hasMessageContaining("/a")
				.hasMessageContaining("/c");
			assertThatThrownBy(() -> controller.derive("/x/y", "/x", (x) -> 1)).isInstanceOf(DerivationCycleException.class);
			assertThat(controller.registrations().derivations()).extracting(StateController.DerivationInfo::destination)
				.containsExactly("/b", "/c");
		}

		@Test
		void aFailingTransformKeepsTheLastValueAndRecomputesLater() {
			controller.set("/n", 1);
			controller.derive("/inverse", "/n", Integer.class, (n) -> 100 / n);
			assertThat(controller.get("/inverse")).isEqualTo(100);
			controller.set("/n", 0);
			assertThat(controller.get("/inverse")).isEqualTo(100);
			assertThat(controller.get("/n")).isEqualTo(0);
			controller.set("/n", 4);
			assertThat(controller.get("/inverse")).isEqualTo(25);
		}

		@Test
		void aFailingFirstComputationLeavesTheDerivationRegisteredWithNoValue() {
			controller.derive("/inverse", "/n", Integer.class, (n) -> 100 / n);
			assertThat(controller.get("/inverse")).isNull();
			assertThat(controller.registrations().derivations()).extracting(StateController.DerivationInfo::destination)
				.containsExactly("/inverse");
			controller.set("/n", 5);
			assertThat(controller.get("/inverse")).isEqualTo(20);
		}

		@Test
		void overlappingDestinationsAreRefused() {
			controller.derive("/out", "/n", (n) -> 1);
			assertThatThrownBy(() -> controller.derive("/out/inner", "/m", (m) -> 2)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("/out/inner")
				.hasMessageContaining("/out");
		}

		@Test
		void aSecondDerivationOfTheSameDestinationReplacesTheFirst() {
			controller.set("/n", 2);
			controller.derive("o", "/n", Integer.class, (n) -> n + 1);
			controller.derive("/o", "/n", Integer.class, (n) -> n + 100);
			controller.set("/n", 3);
			assertThat(controller.get("/o")).isEqualTo(103);
			assertThat(controller.registrations().derivations()).hasSize(1);
		}

		@Test
		void closingStopsADerivation() {
			Derivation derivation = controller.derive("/copy", "/n", (n) -> n);
			controller.set("/n", 1);
			derivation.close();
			controller.set("/n", 2);
			assertThat(controller.get("/copy")).isEqualTo(1);
		}

		@Test
		void trackRecordsAndPrunesItsDependencies() {
			controller.set("/flag", true);
			controller.set("/x", 1);
			controller.set("/y", 2);
			List<Object> runs = new ArrayList<>();
			Effect effect = controller.track((e) -> {
				boolean flag = Boolean.TRUE.equals(e.get("/flag"));
				runs.add(flag ? e.get("/x") : e.get("/y"));
			});
			assertThat(runs).containsExactly(1);
			assertThat(effect.dependencies()).extracting(Object::toString).containsExactly("/flag", "/x");
			controller.set("/y", 3);
			assertThat(runs).containsExactly(1);
			controller.set("/flag", false);
			assertThat(runs).containsExactly(1, 3);
			controller.set("/x", 10);
			assertThat(runs).containsExactly(1, 3);
			controller.set("/y", 4);
			assertThat(runs).containsExactly(1, 3, 4);
			effect.close();
			controller.set("/y", 5);
			assertThat(runs).containsExactly(1, 3, 4);
		}

		@Test
		void aTrackedDerivationFollowsWhatItReads() {
			controller.set("/useX", true);
			controller.set("/x", 1);
			controller.set("/y", 2);
			controller.deriveTracked("/picked", (view) -> Boolean.TRUE.equals(view.get("/useX")) ? view.get("/x") : view.get("/y"));
			assertThat(controller.get("/picked")).isEqualTo(1);
			controller.set("/useX", false);
			assertThat(controller.get("/picked")).isEqualTo(2);
			controller.set("/y", 5);
			assertThat(controller.get("/picked")).isEqualTo(5);
		}

	}

	/**
	 * Replaces the test's controller with one on a fresh backend dispatching as asked (the
	 * default one is closed first, so a backend that locks its directory can open it again).
	 */
	protected StateController controllerWith(StateController.Dispatch dispatch) {
		if (dispatch == StateController.Dispatch.SYNC) {
			return this.controller;
		}
		this.controller.close();
		this.controller = StateController.builder()
			.backend(newBackend())
			.dispatch(dispatch)
			.onError(StateController.OnError.LOG)
			.build();
		return this.controller;
	}

	@Nested
	class Effects {

		private static final Duration WAIT = Duration.ofSeconds(20);

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectSeesWhatItsOwnRunChanged(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			c.set("/calc/a", 3);
			c.set("/calc/b", 4);
			c.deriveMany("/calc/sum", List.of("/calc/a", "/calc/b"),
					(data) -> data.get("/calc/a", Integer.class) + data.get("/calc/b", Integer.class));
			List<Object> log = new CopyOnWriteArrayList<>();
			c.track((e) -> {
				log.add(e.get("/calc/sum"));
				e.set("/calc/b", 5);
			});
			c.set("/calc/a", 6);
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).containsExactly(7, 8, 11));
			// a later change is the next run: nothing was run twice in between
			c.set("/calc/a", 7);
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).containsExactly(7, 8, 11, 12));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectReadsItsOwnWritesWithinARun(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			List<Object> log = new CopyOnWriteArrayList<>();
			c.track((e) -> {
				Integer n = e.get("/own/n", Integer.class);
				if (n == null) {
					e.set("/own/n", 1);
					log.add("wrote " + e.get("/own/n"));
				}
				else {
					log.add("read " + n);
				}
			});
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).containsExactly("wrote 1", "read 1"));
		}

		/**
		 * Another thread commits a path the effect read while the effect runs: during its first
		 * run (inside {@code track}), during a re-run, and during a run started by a commit. Each
		 * run reads one snapshot (two reads of the path agree), and the effect runs again, once.
		 */
		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aCommitByAnotherThreadDuringARunMakesTheEffectRunAgain(StateController.Dispatch dispatch)
				throws Exception {
			StateController c = controllerWith(dispatch);
			StatePath x = StatePath.of("/race/x");
			c.set(x, 1);
			Map<Integer, CountDownLatch> reading = new java.util.concurrent.ConcurrentHashMap<>();
			for (int v : new int[] { 1, 2, 4 }) {
				reading.put(v, new CountDownLatch(1));
			}
			List<List<Object>> runs = new CopyOnWriteArrayList<>();
			ExecutorService writer = Executors.newSingleThreadExecutor();
			try {
				Future<?> writes = writer.submit(() -> {
					reading.get(1).await();
					c.set(x, 2);
					reading.get(2).await();
					c.set(x, 3);
					reading.get(4).await();
					c.set(x, 5);
					return null;
				});
				c.track((e) -> {
					Object first = e.get(x.toString());
					CountDownLatch latch = reading.get(first);
					if (latch != null) {
						latch.countDown();
						// hold the run until the writer's next value is committed
						int next = (Integer) first + 1;
						await().atMost(WAIT).until(() -> Integer.valueOf(next).equals(c.backend().read(x)));
					}
					runs.add(List.of(first, e.get(x.toString())));
				});
				await().atMost(WAIT).untilAsserted(() -> assertThat(runs).hasSize(3));
				c.set(x, 4);
				writes.get(30, TimeUnit.SECONDS);
				await().atMost(WAIT).untilAsserted(() -> assertThat(runs).containsExactly(List.of(1, 1), List.of(2, 2),
						List.of(3, 3), List.of(4, 4), List.of(5, 5)));
				assertThat(c.get(x)).isEqualTo(5);
			}
			finally {
				writer.shutdownNow();
			}
		}

		@Test
		void listenersHearingAnEffectsWritesAreNotPartOfItsRun() {
			List<Object> listenerRead = new CopyOnWriteArrayList<>();
			controller.subscribe("/dep/trigger", (e) -> listenerRead.add(e.get("/dep/other")));
			controller.set("/dep/other", "before");
			AtomicInteger runs = new AtomicInteger();
			Effect effect = controller.track((e) -> {
				runs.incrementAndGet();
				e.get("/dep/x");
				e.set("/dep/trigger", 1);
			});
			assertThat(listenerRead).containsExactly("before");
			assertThat(effect.dependencies()).extracting(Object::toString).containsExactly("/dep/x");
			controller.set("/dep/other", "after");
			assertThat(runs).hasValue(1);
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectThatKeepsChangingWhatItReadsIsStoppedAfterAThousandRuns(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			AtomicInteger runs = new AtomicInteger();
			c.track((e) -> {
				runs.incrementAndGet();
				Integer n = e.get("/loop/n", Integer.class);
				e.set("/loop/n", (n == null) ? 1 : n + 1);
			});
			List<Object> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/loop/other", (e) -> heard.add(e.newValue()));
			c.set("/loop/other", 1);
			// delivered in revision order: every commit of the loop was delivered before this one
			await().atMost(WAIT).untilAsserted(() -> assertThat(heard).containsExactly(1));
			assertThat(runs).hasValue(1_000);
			assertThat(c.get("/loop/n")).isEqualTo(1_000);
			c.set("/loop/n", 0);
			await().atMost(WAIT).untilAsserted(() -> assertThat(runs).hasValue(2_000));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aReRunSeesDerivedValuesThatAgreeWithTheirSources(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			c.set("/g/a", 1);
			c.derive("/g/double", "/g/a", Integer.class, (a) -> (a == null) ? 0 : 2 * a);
			List<String> glitches = new CopyOnWriteArrayList<>();
			List<Object> last = new CopyOnWriteArrayList<>();
			c.track((e) -> {
				Integer a = e.get("/g/a", Integer.class);
				Integer twice = e.get("/g/double", Integer.class);
				if (a == null || twice == null || twice != 2 * a) {
					glitches.add(a + " / " + twice);
				}
				last.add(a);
				if (a != null && a < 20) {
					e.set("/g/a", a + 1);
				}
			});
			int threads = 3;
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int id = t;
					futures.add(pool.submit(() -> {
						for (int i = 0; i < 20; i++) {
							c.set("/g/a", 100 * (id + 1) + i);
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(60, TimeUnit.SECONDS);
				}
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
			finally {
				pool.shutdownNow();
			}
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(last.get(last.size() - 1)).isEqualTo(c.get("/g/a", Integer.class)));
			assertThat(glitches).isEmpty();
		}

	}

	/** Probes of batches and effects in corners the issue's faults 1 to 3 did not name. */
	@Nested
	class BatchAndEffectCorners {

		@Test
		void aPingInsideABatchIsHeardOnceAfterItCommitsAndNeverWhenItThrows() throws Exception {
			List<Object> heard = new CopyOnWriteArrayList<>();
			controller.subscribe("/p", (e) -> heard.add(e.payload()));
			assertThatThrownBy(() -> controller.batch(() -> {
				controller.ping("/p", "thrown");
				throw new IllegalStateException("no");
			})).isInstanceOf(IllegalStateException.class);
			controller.set("/n", 0);
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				Integer n = controller.get("/n", Integer.class);
				controller.ping("/p", "run " + runs.incrementAndGet());
				if (runs.get() == 1) {
					// another writer changes what the first run read: the batch runs again
					Thread other = new Thread(() -> controller.set("/n", 100));
					other.start();
					try {
						other.join(60_000);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				controller.set("/n", n + 1);
			});
			assertThat(runs.get()).isEqualTo(2);
			assertThat(controller.get("/n")).isEqualTo(101);
			await().atMost(java.time.Duration.ofSeconds(20)).until(() -> heard.size() >= 1);
			assertThat(heard).containsExactly("run 2");
		}

		private static final Duration WAIT = Duration.ofSeconds(20);

		@Test
		void aReadOnlyBatchMakesNoCommit() {
			controller.set("/ro/a", 1);
			controller.set("/ro/b", 2);
			long before = controller.revision();
			List<Object> heard = new CopyOnWriteArrayList<>();
			controller.subscribe("/**", (e) -> heard.add(e.path()));
			int sum = controller.batch(() -> controller.get("/ro/a", Integer.class) + controller.get("/ro/b", Integer.class));
			assertThat(sum).isEqualTo(3);
			assertThat(controller.revision()).isEqualTo(before);
			controller.set("/ro/c", 3);
			assertThat(controller.revision()).isEqualTo(before + 1);
			assertThat(heard).containsExactly(StatePath.of("/ro/c"));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectListingChildrenRunsAgainWhenAChildIsAdded(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			c.set("/kids/a", 1);
			List<Object> log = new CopyOnWriteArrayList<>();
			Effect effect = c.track((e) -> log.add(c.childNames("/kids")));
			assertThat(effect.dependencies()).extracting(Object::toString).containsExactly("/kids");
			c.set("/kids/b", 2);
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).containsExactly(List.of("a"), List.of("a", "b")));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectUsingGetOrWriteRunsAgainWhenThePathChanges(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			List<Object> log = new CopyOnWriteArrayList<>();
			c.track((e) -> log.add(c.getOrWrite("/cfg/mode", String.class, "auto")));
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).startsWith("auto"));
			c.set("/cfg/mode", "manual");
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).endsWith("manual"));
		}

		@Test
		void childNamesInsideABatchSeeDerivedValues() {
			controller.derive("/cart/double", "/cart/items", Integer.class, (n) -> (n == null) ? null : 2 * n);
			List<String> names = controller.batch(() -> {
				controller.set("/cart/items", 1);
				return controller.childNames("/cart");
			});
			assertThat(names).containsExactly("items", "double");
		}

		@Test
		void aBatchCountingChildrenNeverMissesAConcurrentlyAddedChild() throws Exception {
			int threads = 4;
			int perThread = Math.max(5, (int) (100 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				for (int i = 0; i < perThread; i++) {
					String id = "u" + thread + "-" + i;
					if (thread % 2 == 0) {
						controller.batch(() -> {
							controller.set("/people/" + id, true);
							controller.set("/count", controller.childNames("/people").size());
						});
					}
					else {
						controller.batch(() -> {
							controller.set("/count", controller.childNames("/people").size() + 1);
							controller.set("/people/" + id, true);
						});
					}
				}
			});
			assertThat(controller.get("/count")).isEqualTo(threads * perThread);
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void batchedUpdatesInsideAnEffectAndFromOtherThreadsLoseNothing(StateController.Dispatch dispatch)
				throws Exception {
			StateController c = controllerWith(dispatch);
			AtomicInteger runs = new AtomicInteger();
			c.track((e) -> {
				Object trigger = e.get("/fx/trigger");
				if (trigger != null) {
					runs.incrementAndGet();
					c.batch(() -> c.update("/fx/n", Integer.class, (n) -> (n == null) ? 1 : n + 1));
				}
			});
			int threads = 4;
			int perThread = Math.max(5, (int) (50 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				for (int i = 0; i < perThread; i++) {
					if (thread == 0) {
						c.set("/fx/trigger", i);
					}
					else {
						c.batch(() -> c.update("/fx/n", Integer.class, (n) -> (n == null) ? 1 : n + 1));
					}
				}
			});
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(c.get("/fx/n")).isEqualTo((threads - 1) * perThread + runs.get()));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void batchedUpdatesInsideListenersLoseNothing(StateController.Dispatch dispatch) throws Exception {
			StateController c = controllerWith(dispatch);
			c.subscribe("/in/*", (e) -> c.batch(() -> {
				Integer n = c.get("/out", Integer.class);
				c.set("/out", ((n == null) ? 0 : n) + 1);
			}));
			int threads = 4;
			int perThread = Math.max(5, (int) (50 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				for (int i = 0; i < perThread; i++) {
					c.set("/in/t" + thread, i);
				}
			});
			await().atMost(WAIT).untilAsserted(() -> assertThat(c.get("/out")).isEqualTo(threads * perThread));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectThatClosesItselfDuringARunNeverRunsAgain(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			AtomicInteger runs = new AtomicInteger();
			Effect[] self = new Effect[1];
			Effect effect = c.track((e) -> {
				runs.incrementAndGet();
				Integer n = e.get("/close/n", Integer.class);
				if (n != null && n == 2) {
					self[0].close();
					e.set("/close/n", 3);
				}
			});
			self[0] = effect;
			c.set("/close/n", 1);
			await().atMost(WAIT).untilAsserted(() -> assertThat(runs).hasValue(2));
			c.set("/close/n", 2);
			await().atMost(WAIT).untilAsserted(() -> assertThat(c.get("/close/n")).isEqualTo(3));
			List<Object> heard = new CopyOnWriteArrayList<>();
			c.subscribe("/other", (e) -> heard.add(e.newValue()));
			c.set("/close/n", 4);
			c.set("/other", 1);
			// delivered in revision order: the commit of /close/n was delivered before this one
			await().atMost(WAIT).untilAsserted(() -> assertThat(heard).containsExactly(1));
			assertThat(runs).hasValue(3);
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectReadingADerivedValueInsideABatchAgreesWithItsSources(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			c.set("/d/a", 1);
			c.derive("/d/double", "/d/a", Integer.class, (a) -> (a == null) ? 0 : 2 * a);
			List<String> log = new CopyOnWriteArrayList<>();
			c.track((e) -> {
				Integer a = e.get("/d/a", Integer.class);
				String seen = c.batch(() -> {
					c.set("/d/a", a + 1 > 5 ? a : a + 1);
					return c.get("/d/a") + "/" + c.get("/d/double");
				});
				log.add(seen);
			});
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).endsWith("5/10"));
			assertThat(log).allSatisfy((line) -> {
				String[] parts = line.split("/");
				assertThat(Integer.parseInt(parts[1])).isEqualTo(2 * Integer.parseInt(parts[0]));
			});
			assertThat(c.get("/d/double")).isEqualTo(10);
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void manyEffectsAtOnceEachEndOnTheLastValue(StateController.Dispatch dispatch) throws Exception {
			StateController c = controllerWith(dispatch);
			int effects = 20;
			Map<Integer, Object> last = new java.util.concurrent.ConcurrentHashMap<>();
			for (int i = 0; i < effects; i++) {
				int id = i;
				c.track((e) -> {
					Object v = e.get("/many/v");
					if (v != null) {
						last.put(id, v);
					}
					e.set("/many/seen/" + id, v);
				});
			}
			int threads = 3;
			int perThread = Math.max(5, (int) (30 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				for (int i = 0; i < perThread; i++) {
					c.set("/many/v", thread * 1000 + i);
				}
			});
			c.set("/many/v", "end");
			await().atMost(WAIT).untilAsserted(() -> {
				for (int i = 0; i < effects; i++) {
					assertThat(last.get(i)).as("effect " + i).isEqualTo("end");
					assertThat(c.get("/many/seen/" + i)).as("seen " + i).isEqualTo("end");
				}
			});
		}

		/**
		 * Adders put a child in a branch and count it in a batch; recounters read the whole branch
		 * and write the count. Serialisable batches leave the count equal to the children, also
		 * when the branch is below the hybrid suite's mount and the count is not.
		 */
		@ParameterizedTest
		@org.junit.jupiter.params.provider.ValueSource(strings = { "/tally", "/persistent/tally" })
		void recountsAndAddsOfSiblingsInBatchesKeepTheCountExact(String branch) throws Exception {
			int threads = 4;
			int perThread = Math.max(5, (int) (60 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				for (int i = 0; i < perThread; i++) {
					String id = "k" + thread + "-" + i;
					if (thread % 2 == 0) {
						controller.batch(() -> {
							controller.set(branch + "/items/" + id, 1);
							controller.update("/tallyCount", Integer.class, (n) -> (n == null) ? 1 : n + 1);
						});
					}
					else {
						controller.batch(() -> {
							Object items = controller.get(branch + "/items");
							controller.set("/tallyCount", (items instanceof Map<?, ?> map) ? map.size() : 0);
						});
					}
				}
			});
			assertThat(controller.get("/tallyCount")).isEqualTo(controller.childNames(branch + "/items").size());
			assertThat(controller.get("/tallyCount")).isEqualTo((threads / 2) * perThread);
		}

		/**
		 * Transfers between two accounts keep their total; a batch that checks the total and throws
		 * when it is off must never throw: a batch whose reads saw two states of the tree runs
		 * again instead of failing with what it concluded from them. One account is below the
		 * hybrid suite's mount.
		 */
		@Test
		void aBatchThatThrowsOnATornReadRunsAgainInsteadOfFailing() throws Exception {
			String a = "/acct/a";
			String b = "/persistent/acct/b";
			controller.batch(() -> {
				controller.set(a, 100);
				controller.set(b, 0);
			});
			AtomicInteger failures = new AtomicInteger();
			int threads = 4;
			int perThread = Math.max(10, (int) (150 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				java.util.Random random = new java.util.Random(thread);
				for (int i = 0; i < perThread; i++) {
					if (thread % 2 == 0) {
						int amount = random.nextInt(10) - 5;
						controller.batch(() -> {
							controller.set(a, controller.get(a, Integer.class) - amount);
							controller.set(b, controller.get(b, Integer.class) + amount);
						});
					}
					else {
						try {
							controller.batch(() -> {
								int total = controller.get(a, Integer.class) + controller.get(b, Integer.class);
								if (total != 100) {
									throw new IllegalStateException("total " + total);
								}
								controller.set("/acct/checked", controller.get("/acct/checked", Integer.class, 0) + 1);
							});
						}
						catch (IllegalStateException ex) {
							failures.incrementAndGet();
						}
					}
				}
			});
			assertThat(failures).hasValue(0);
			assertThat(controller.get(a, Integer.class) + controller.get(b, Integer.class)).isEqualTo(100);
			assertThat(controller.get("/acct/checked")).isEqualTo((threads / 2) * perThread);
		}

		/** The exact case: a transfer commits between the batch's two reads, on its first run only. */
		@Test
		void aBatchThatThrowsAfterATransferBetweenItsReadsRunsAgain() {
			String a = "/acct/a";
			String b = "/persistent/acct/b";
			controller.batch(() -> {
				controller.set(a, 100);
				controller.set(b, 0);
			});
			AtomicInteger runs = new AtomicInteger();
			int total = controller.batch(() -> {
				int first = controller.get(a, Integer.class);
				if (runs.incrementAndGet() == 1) {
					elsewhere(() -> controller.batch(() -> {
						controller.set(a, controller.get(a, Integer.class) - 30);
						controller.set(b, controller.get(b, Integer.class) + 30);
					}));
				}
				int sum = first + controller.get(b, Integer.class);
				if (sum != 100) {
					throw new IllegalStateException("total " + sum);
				}
				controller.set("/acct/checked", true);
				return sum;
			});
			assertThat(total).isEqualTo(100);
			// memory reads one snapshot (its first run commits nothing: its read of /acct/a changed);
			// the others saw 100 then 30 and threw, and ran again instead of failing
			assertThat(runs).hasValue(2);
			assertThat(controller.get("/acct")).isEqualTo(Map.of("a", 70, "checked", true));
			assertThat(controller.get(b)).isEqualTo(30);
		}

		/** Reads of emptied branches, the empty root and an empty mount point hold at commit. */
		@Test
		void batchesReadingEmptyBranchesCommitAtOnce() {
			AtomicInteger runs = new AtomicInteger();
			controller.batch(() -> {
				runs.incrementAndGet();
				controller.get("/");
				controller.get("/persistent");
				controller.childNames("/persistent");
				controller.set("/first", 1);
			});
			assertThat(runs).hasValue(1);
			controller.set("/e/x", 1);
			controller.set("/persistent/e/x", 1);
			controller.delete("/e/x");
			controller.delete("/persistent/e/x");
			controller.batch(() -> {
				runs.incrementAndGet();
				controller.get("/e");
				controller.exists("/persistent/e");
				controller.get("/persistent");
				controller.set("/second", 2);
			});
			assertThat(runs).hasValue(2);
			controller.delete("/persistent");
			controller.batch(() -> {
				runs.incrementAndGet();
				controller.get("/persistent");
				controller.get("/");
				controller.set("/third", 3);
			});
			assertThat(runs).hasValue(3);
		}

		/** An effect clamps a value other threads keep writing: once they stop, the value is clamped. */
		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectThatCorrectsWhatItReadsWinsOverConcurrentWriters(StateController.Dispatch dispatch)
				throws Exception {
			StateController c = controllerWith(dispatch);
			c.set("/clamp/limit", 10);
			c.track((e) -> {
				Integer v = e.get("/clamp/x", Integer.class);
				Integer limit = e.get("/clamp/limit", Integer.class);
				if (v != null && v > limit) {
					e.set("/clamp/x", limit);
				}
			});
			int threads = 3;
			int perThread = Math.max(10, (int) (100 * concurrencyScale()));
			runConcurrently(threads, (thread) -> {
				java.util.Random random = new java.util.Random(thread);
				for (int i = 0; i < perThread; i++) {
					if (thread == 0 && i % 10 == 0) {
						c.set("/clamp/limit", 5 + random.nextInt(10));
					}
					else {
						c.set("/clamp/x", random.nextInt(20));
					}
				}
			});
			c.set("/clamp/x", 100);
			await().atMost(WAIT).untilAsserted(() -> assertThat(c.get("/clamp/x")).isEqualTo(c.get("/clamp/limit")));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void effectsStartedFromAListenerAndFromAnEffectFollowLaterChanges(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			List<Object> fromListener = new CopyOnWriteArrayList<>();
			List<Object> fromEffect = new CopyOnWriteArrayList<>();
			c.subscribe("/start", (e) -> c.track((f) -> fromListener.add(String.valueOf(f.get("/tv/a")))));
			AtomicInteger started = new AtomicInteger();
			c.track((e) -> {
				if (e.get("/start2") != null && started.getAndIncrement() == 0) {
					c.track((f) -> fromEffect.add(String.valueOf(f.get("/tv/b"))));
				}
			});
			c.set("/start", 1);
			c.set("/start2", 1);
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(fromListener).containsExactly("null");
				assertThat(fromEffect).containsExactly("null");
			});
			c.set("/tv/a", 1);
			c.set("/tv/b", 2);
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(fromListener).containsExactly("null", "1");
				assertThat(fromEffect).containsExactly("null", "2");
			});
		}

		/** An effect started inside a batch that fails never sees values that were not committed. */
		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectStartedInsideAFailedBatchFollowsTheCommittedState(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			c.set("/tb/x", 1);
			List<Object> log = new CopyOnWriteArrayList<>();
			assertThatThrownBy(() -> c.batch(() -> {
				c.set("/tb/x", 2);
				c.track((e) -> log.add(e.get("/tb/x")));
				throw new IllegalStateException("abandoned");
			})).hasMessage("abandoned");
			assertThat(c.get("/tb/x")).isEqualTo(1);
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).last().isEqualTo(1));
		}

		@Test
		void anExceptionCaughtInsideANestedBatchStillLeavesItsWritesInTheOuterOne() {
			controller.batch(() -> {
				controller.set("/nb/a", 1);
				try {
					controller.batch(() -> {
						controller.set("/nb/b", 2);
						throw new IllegalStateException("inner");
					});
				}
				catch (IllegalStateException ex) {
					// the outer batch goes on
				}
			});
			// documents today's behaviour: a nested batch joins the outer one, writes and all
			assertThat(controller.get("/nb")).isEqualTo(Map.of("a", 1, "b", 2));
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void anEffectWhoseDependenciesChangeFollowsTheNewOnes(StateController.Dispatch dispatch) {
			StateController c = controllerWith(dispatch);
			c.set("/sw/useX", true);
			c.set("/sw/x", "x1");
			c.set("/sw/y", "y1");
			List<Object> log = new CopyOnWriteArrayList<>();
			Effect effect = c.track((e) -> log.add(Boolean.TRUE.equals(e.get("/sw/useX")) ? e.get("/sw/x") : e.get("/sw/y")));
			c.set("/sw/y", "y2");
			c.set("/sw/useX", false);
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).containsExactly("x1", "y2"));
			c.set("/sw/x", "x2");
			c.set("/sw/y", "y3");
			await().atMost(WAIT).untilAsserted(() -> assertThat(log).containsExactly("x1", "y2", "y3"));
			assertThat(effect.dependencies()).extracting(Object::toString).containsExactly("/sw/useX", "/sw/y");
		}

	}

	@Nested
	class FailureLogs {

		private static final String SECRET = "stLEAK123";

		@Test
		void aFailingConversionInADerivationIsLoggedWithoutTheStoredValue() {
			controller.set("/users/alice", Map.of("apiToken", SECRET));
			try (LogCapture log = LogCapture.controller()) {
				controller.derive("/stats/token", "/users/alice/apiToken", Integer.class, (n) -> n + 1);
				controller.deriveMany("/stats/many", List.of("/users/alice"),
						(data) -> data.get("/users/alice", new TypeRef<Map<String, Integer>>() {
						}));
				controller.derive("/stats/parsed", "/users/alice/apiToken", (v) -> Integer.parseInt((String) v));
				controller.set("/users/alice/apiToken", SECRET + "x");
				// each derivation's first failure is logged; later ones are summarised (rate-limited)
				assertThat(log.lines()).hasSizeGreaterThanOrEqualTo(3).allSatisfy((line) -> assertThat(line)
					.doesNotContain(SECRET)
					.contains("/stats/"));
				assertThat(log.lines()).anySatisfy((line) -> assertThat(line).contains("/users/alice/apiToken")
					.contains("java.lang.Integer"));
			}
			assertThat(controller.get("/stats/token")).isNull();
		}

		@Test
		void aFailingTypedReadInAnEffectIsLoggedWithoutTheStoredValue() {
			controller.set("/secret", SECRET);
			try (LogCapture log = LogCapture.controller()) {
				controller.track((e) -> e.get("/secret", Integer.class));
				controller.set("/secret", SECRET + "y");
				// the first failure is logged; the second is counted and summarised later (rate-limited)
				assertThat(log.lines()).hasSize(1).allSatisfy((line) -> assertThat(line).doesNotContain(SECRET)
					.contains("/secret")
					.contains("java.lang.Integer"));
			}
			assertThatThrownBy(() -> controller.get("/secret", Integer.class)).isInstanceOf(StateValueException.class)
				.hasMessageContaining("/secret")
				.satisfies((ex) -> {
					for (Throwable t = ex; t != null; t = t.getCause()) {
						assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
					}
				});
		}

	}

	/**
	 * Each listener has its own bounded, ordered queue (DESIGN §5): a slow listener delays only
	 * itself, and a full queue ends in one resync event, counted, never an unbounded backlog.
	 */
	@Nested
	class Dispatching {

		private static final java.time.Duration PATIENCE = java.time.Duration.ofSeconds(20);

		private static void awaitRelease(CountDownLatch latch) {
			try {
				if (!latch.await(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException("the test never released the listener");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Test
		void aSyncWriterDoesNotWaitForASlowListenerItsCommitDoesNotReach() throws Exception {
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			controller.subscribe("/slow", (e) -> {
				entered.countDown();
				awaitRelease(release);
			});
			List<Object> fast = new CopyOnWriteArrayList<>();
			controller.subscribe("/fast", (e) -> fast.add(e.newValue()));
			ExecutorService pool = Executors.newFixedThreadPool(3);
			try {
				Future<Boolean> slowWriter = pool.submit(() -> controller.set("/slow", 1));
				assertThat(entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
				Future<Boolean> fastWriter = pool.submit(() -> controller.set("/fast", 1));
				Future<Boolean> unheardWriter = pool.submit(() -> controller.set("/nobody/listens", 1));
				org.awaitility.Awaitility.await()
					.atMost(PATIENCE)
					.until(() -> fastWriter.isDone() && unheardWriter.isDone());
				assertThat(fastWriter.get()).isTrue();
				assertThat(unheardWriter.get()).isTrue();
				assertThat(fast).containsExactly(1);
				// the slow listener's own writer waits for it (synchronous dispatch)
				assertThat(slowWriter.isDone()).isFalse();
				release.countDown();
				assertThat(slowWriter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
			}
			finally {
				release.countDown();
				pool.shutdownNow();
			}
		}

		@Test
		void inAsyncModeASlowListenerDelaysOnlyItself() {
			CountDownLatch release = new CountDownLatch(1);
			try (StateController async = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				List<Object> slow = new CopyOnWriteArrayList<>();
				async.subscribe("/slow", (e) -> {
					awaitRelease(release);
					slow.add(e.newValue());
				});
				List<String> others = new CopyOnWriteArrayList<>();
				async.subscribe("/**", (e) -> others.add(e.emittingPath() + "=" + e.newValue()));
				async.set("/slow", 1);
				for (int i = 1; i <= 20; i++) {
					async.set("/fast", i);
				}
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> others.size() == 21);
				assertThat(others).startsWith("/slow=1", "/fast=1").endsWith("/fast=20");
				assertThat(slow).isEmpty();
				release.countDown();
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> slow.size() == 1);
				assertThat(slow).containsExactly(1);
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void aFullQueueIsReplacedByOneResyncEventAndCounted() {
			int capacity = 10;
			int commits = 60;
			List<String> overflowed = new CopyOnWriteArrayList<>();
			ControllerObserver observer = new ControllerObserver() {
				@Override
				public void onListenerOverflow(String listenerId, int dropped) {
					overflowed.add(listenerId);
				}
			};
			CountDownLatch release = new CountDownLatch(1);
			try (StateController bounded = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(capacity)
				.offerTimeout(java.time.Duration.ofMillis(250))
				.observer(observer)
				.build()) {
				List<StateEvent> slow = new CopyOnWriteArrayList<>();
				bounded.registerCallback((e) -> {
					awaitRelease(release);
					slow.add(e);
				}, "slow", false);
				bounded.subscribeById("/n", "slow");
				List<Long> others = new CopyOnWriteArrayList<>();
				bounded.subscribe("/n", (e) -> others.add(e.revision()));
				for (int i = 1; i <= commits; i++) {
					bounded.set("/n", i);
				}
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> others.size() == commits);
				release.countDown();
				org.awaitility.Awaitility.await()
					.atMost(PATIENCE)
					.until(() -> !slow.isEmpty() && slow.get(slow.size() - 1).revision() == bounded.revision());
				io.statetree.core.internal.ControllerInternals.awaitDispatch(bounded, PATIENCE.toMillis());
				assertThat(slow).filteredOn(StateEvent::isResync).hasSize(1);
				assertThat(slow.size()).isLessThanOrEqualTo(capacity + 2);
				assertThat(slow).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
				StateEvent resync = slow.stream().filter(StateEvent::isResync).findFirst().orElseThrow();
				assertThat(resync.path()).isEqualTo(StatePath.ROOT);
				assertThat(resync.newValue()).isNull();
				assertThat(io.statetree.core.internal.ControllerInternals.listenerOverflows(bounded)).isPositive();
				assertThat(overflowed).isNotEmpty().containsOnly("slow");
				assertThat(others).hasSize(commits).isSorted().doesNotHaveDuplicates();
				assertThat(bounded.get("/n")).isEqualTo(commits);
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void writersWhoseBubblingWalksShareAListenerNeverDeadlock() throws Exception {
			// a batch changes /a/x and /c/y: "/{top}" hears each one level above the first
			// listeners of its walk ("/a/**", "/c/**"); plain writers of /a/x pass through
			// "/{top}" too. A writer waiting for a walk's deeper listeners must not hold
			// "/{top}" while the batch's writer still has to deliver "/c/**".
			AtomicInteger heard = new AtomicInteger();
			controller.subscribe("/a/**", (e) -> heard.incrementAndGet());
			controller.subscribe("/c/**", (e) -> heard.incrementAndGet());
			controller.subscribe("/{top}", (e) -> {
				java.util.concurrent.locks.LockSupport.parkNanos(200_000);
				heard.incrementAndGet();
			});
			int rounds = Math.max(30, (int) (400 * concurrencyScale()));
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					boolean batches = t % 2 == 0;
					futures.add(pool.submit(() -> {
						for (int i = 0; i < rounds; i++) {
							int n = i;
							if (batches) {
								controller.batch(() -> {
									controller.set("/a/x", -n - 1);
									controller.set("/c/y", n);
								});
							}
							else {
								controller.set("/a/x", n);
							}
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(controller.get("/c/y")).isEqualTo(rounds - 1);
			assertThat(heard).hasPositiveValue();
		}

		@Test
		void inSyncModeAListenerThatWritesMoreThanAQueueHoldsLeavesOneResyncEvent() {
			try (StateController bounded = StateController.builder()
				.backend(newBackend())
				.queueCapacity(5)
				.offerTimeout(java.time.Duration.ofSeconds(30))
				.build()) {
				bounded.subscribe("/trigger", (e) -> {
					for (int i = 1; i <= 20; i++) {
						e.set("/n", i);
					}
				});
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				bounded.subscribe("/n", heard::add);
				long start = System.nanoTime();
				bounded.set("/trigger", 1);
				// the listener's writes wait for its own dispatch loop: no waiting for room
				assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
				assertThat(heard).filteredOn(StateEvent::isResync).hasSize(1);
				assertThat(heard.size()).isLessThanOrEqualTo(5 + 1);
				assertThat(heard.get(heard.size() - 1).newValue()).isEqualTo(20);
				assertThat(heard).extracting(StateEvent::revision).isSorted();
				assertThat(io.statetree.core.internal.ControllerInternals.listenerOverflows(bounded)).isPositive();
				assertThat(bounded.get("/n")).isEqualTo(20);
			}
		}

		@Test
		void listenerWritesStillCascadeAfterTheCurrentDispatchInAsyncMode() {
			try (StateController async = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				async.subscribe("/n", (e) -> {
					int n = (Integer) e.newValue();
					if (n < 50) {
						e.set("/n", n + 1);
					}
				});
				List<Object> heard = new CopyOnWriteArrayList<>();
				async.subscribe("/n", (e) -> heard.add(e.newValue()));
				async.set("/n", 0);
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> heard.size() == 51);
				assertThat(heard).isEqualTo(java.util.stream.IntStream.rangeClosed(0, 50).boxed().toList());
			}
		}

	}

	@Nested
	class Concurrency {

		@Test
		void concurrentUpdatesLoseNothing() throws Exception {
			int threads = 8;
			int perThread = (int) (10_000 * concurrencyScale());
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					futures.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < perThread; i++) {
							controller.update("/counter", Integer.class, (c) -> (c == null) ? 1 : c + 1);
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(controller.get("/counter")).isEqualTo(threads * perThread);
		}

		@Test
		void aListenerSeesStrictlyIncreasingRevisionsUnderConcurrentWriters() throws Exception {
			List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
			AtomicLong violations = new AtomicLong();
			long[] last = { -1 };
			controller.subscribe("/**", (e) -> {
				synchronized (last) {
					if (e.revision() <= last[0]) {
						violations.incrementAndGet();
					}
					last[0] = e.revision();
				}
				revisions.add(e.revision());
			});
			int threads = 4;
			int perThread = (int) (2_000 * concurrencyScale());
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int id = t;
					futures.add(pool.submit(() -> {
						for (int i = 0; i < perThread; i++) {
							controller.set("/t" + id + "/v", i);
						}
						return null;
					}));
				}
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(violations).hasValue(0);
			assertThat(revisions).hasSize(threads * perThread);
		}

	}


	/** Probes of faults 12 and 13 from a user's side: writes never throw after their commit, close never hangs. */
	@Nested
	class DispatchEdges {

		private static final java.time.Duration PATIENCE = java.time.Duration.ofSeconds(20);

		private static String trace(Object thrown) {
			java.io.StringWriter out = new java.io.StringWriter();
			((Throwable) thrown).printStackTrace(new java.io.PrintWriter(out));
			return out.toString();
		}

		private <T> T within(java.util.concurrent.Callable<T> task) throws Exception {
			ExecutorService pool = Executors.newSingleThreadExecutor();
			try {
				return pool.submit(task).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			}
			finally {
				pool.shutdownNow();
			}
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aWriteOnAnInterruptedThreadCommitsAndDoesNotThrow(StateController.Dispatch mode) throws Exception {
			org.junit.jupiter.api.Assumptions.assumeTrue(interruptedWritesNeverThrowAfterCommitting(),
					"known fault of this backend, see its own disabled test");
			try (StateController c = StateController.builder().backend(newBackend()).dispatch(mode).build()) {
				List<Object> heard = new CopyOnWriteArrayList<>();
				c.subscribe("/x", (e) -> heard.add(e.newValue()));
				Object[] outcome = within(() -> {
					Thread.currentThread().interrupt();
					try {
						return new Object[] { c.set("/x", 1), Thread.interrupted() };
					}
					catch (RuntimeException ex) {
						return new Object[] { ex, Thread.interrupted() };
					}
				});
				assertThat(outcome[1]).as("interrupt flag kept").isEqualTo(Boolean.TRUE);
				if (outcome[0] instanceof RuntimeException) {
					// refused before its commit (the file backend's channels close on interrupt)
					assertThat(c.get("/x")).as("thrown after the commit: " + trace(outcome[0])).isNull();
					assertThat(heard).isEmpty();
					long revision = c.revision();
					// the backend stays usable for the next writer
					assertThat(within(() -> c.set("/x", 2))).isTrue();
					assertThat(c.get("/x")).isEqualTo(2);
					assertThat(c.revision()).isEqualTo(revision + 1);
					await().atMost(PATIENCE).untilAsserted(() -> assertThat(heard).containsExactly(2));
				}
				else {
					assertThat(outcome[0]).isEqualTo(Boolean.TRUE);
					assertThat(c.get("/x")).isEqualTo(1);
					await().atMost(PATIENCE).untilAsserted(() -> assertThat(heard).containsExactly(1));
				}
			}
		}

		@Test
		void anInterruptedWriterFacingAFullQueueCommitsAndTheListenerResyncs() throws Exception {
			org.junit.jupiter.api.Assumptions.assumeTrue(interruptedWritesNeverThrowAfterCommitting(),
					"known fault of this backend, see its own disabled test");
			CountDownLatch release = new CountDownLatch(1);
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(2)
				.offerTimeout(java.time.Duration.ofSeconds(5))
				.build()) {
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				c.subscribe("/n", (e) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					heard.add(e);
				});
				for (int i = 1; i <= 3; i++) {
					c.set("/n", i);
				}
				long start = System.nanoTime();
				Object outcome = within(() -> {
					Thread.currentThread().interrupt();
					try {
						return c.set("/n", 99);
					}
					catch (RuntimeException ex) {
						return ex;
					}
					finally {
						Thread.interrupted();
					}
				});
				java.time.Duration interrupted = java.time.Duration.ofNanos(System.nanoTime() - start);
				if (outcome instanceof RuntimeException) {
					// refused before its commit (file backend): nothing changed, the next write works
					assertThat(c.get("/n")).as("thrown after the commit: " + trace(outcome)).isEqualTo(3);
					assertThat(within(() -> c.set("/n", 99))).isTrue();
				}
				assertThat(c.get("/n")).isEqualTo(99);
				// an interrupted writer does not wait out the offer timeout
				assertThat(interrupted).isLessThan(java.time.Duration.ofSeconds(4));
				release.countDown();
				await().atMost(PATIENCE).until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).revision() == c.revision());
				assertThat(heard).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
			}
			finally {
				release.countDown();
			}
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aListenerThatClosesTheControllerDoesNotHangTheWriter(StateController.Dispatch mode) throws Exception {
			StateController c = StateController.builder().backend(newBackend()).dispatch(mode).build();
			try {
				// found: close() from inside a listener waited 5 s for its own delivery to finish
				List<Object> others = new CopyOnWriteArrayList<>();
				AtomicLong closeNanos = new AtomicLong(-1);
				c.subscribe("/x", (e) -> {
					long start = System.nanoTime();
					e.controller().close();
					closeNanos.set(System.nanoTime() - start);
				});
				c.subscribe("/x", (e) -> others.add(e.newValue()));
				Object outcome = within(() -> {
					try {
						return c.set("/x", 1);
					}
					catch (RuntimeException ex) {
						return ex;
					}
				});
				assertThat(outcome).isEqualTo(Boolean.TRUE);
				await().atMost(PATIENCE).until(() -> closeNanos.get() >= 0);
				assertThat(java.time.Duration.ofNanos(closeNanos.get())).isLessThan(java.time.Duration.ofSeconds(2));
			}
			finally {
				within(() -> {
					c.close();
					return null;
				});
			}
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aListenerThatUnsubscribesItselfHearsNoMore(StateController.Dispatch mode) throws Exception {
			try (StateController c = StateController.builder().backend(newBackend()).dispatch(mode).build()) {
				List<Object> self = new CopyOnWriteArrayList<>();
				List<Object> other = new CopyOnWriteArrayList<>();
				StateListener[] me = new StateListener[1];
				me[0] = (e) -> {
					self.add(e.newValue());
					e.controller().unsubscribe("/x", me[0]);
				};
				c.subscribe("/x", me[0]);
				c.subscribe("/x", (e) -> other.add(e.newValue()));
				within(() -> {
					for (int i = 1; i <= 5; i++) {
						c.set("/x", i);
					}
					return null;
				});
				// asynchronously each listener has its own queue: the other may hear all five first
				await().atMost(PATIENCE).until(() -> other.size() == 5 && !self.isEmpty());
				assertThat(other).containsExactly(1, 2, 3, 4, 5);
				assertThat(self).containsExactly(1);
			}
		}

		@Test
		void closeWhileAnAsyncListenerBlocksDoesNotHang() throws Exception {
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch entered = new CountDownLatch(1);
			StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(3)
				.offerTimeout(java.time.Duration.ofMillis(100))
				// close gives up waiting for the blocked listener after this, not the default 5 s
				.closeDeliveryTimeout(java.time.Duration.ofMillis(200))
				.build();
			try {
				c.subscribe("/n", (e) -> {
					entered.countDown();
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				for (int i = 1; i <= 10; i++) {
					c.set("/n", i);
				}
				assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
				long start = System.nanoTime();
				within(() -> {
					c.close();
					return null;
				});
				assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(15));
			}
			finally {
				release.countDown();
			}
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aWriteAfterCloseFailsBeforeCommittingOrSucceeds(StateController.Dispatch mode) throws Exception {
			StateController c = StateController.builder().backend(newBackend()).dispatch(mode).build();
			c.subscribe("/x", (e) -> {
			});
			c.close();
			Object outcome = within(() -> {
				try {
					return c.set("/x", 1);
				}
				catch (RuntimeException ex) {
					return ex;
				}
			});
			assertThat(outcome).isInstanceOfAny(IllegalStateException.class, Boolean.class);
		}

		@Test
		void afterAnAsyncOverflowTheListenerKeepsHearingLaterCommitsInOrder() throws Exception {
			CountDownLatch release = new CountDownLatch(1);
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(3)
				.offerTimeout(java.time.Duration.ofMillis(50))
				.build()) {
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				c.subscribe("/n", (e) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					heard.add(e);
				});
				for (int i = 1; i <= 20; i++) {
					c.set("/n", i);
				}
				release.countDown();
				await().atMost(PATIENCE).until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).revision() == c.revision());
				long resyncs = heard.stream().filter(StateEvent::isResync).count();
				assertThat(resyncs).isPositive();
				for (int i = 21; i <= 30; i++) {
					c.set("/n", i);
				}
				await().atMost(PATIENCE).until(() -> heard.get(heard.size() - 1).revision() == c.revision());
				assertThat(heard).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
				List<Object> tail = heard.subList(heard.size() - 10, heard.size()).stream().map(StateEvent::newValue).toList();
				assertThat(tail).containsExactly(21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
				assertThat(heard.stream().filter(StateEvent::isResync).count()).isEqualTo(resyncs);
			}
			finally {
				release.countDown();
			}
		}

		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aCallbackMatchedBySeveralPatternsHearsEachEmittingPathOncePerCommitUnderConcurrentWriters(
				StateController.Dispatch mode) throws Exception {
			try (StateController c = StateController.builder().backend(newBackend()).dispatch(mode).build()) {
				List<String> heard = new CopyOnWriteArrayList<>();
				String id = c.registerCallback((e) -> heard.add(e.revision() + ":" + e.emittingPath()));
				for (String p : List.of("/a/**", "/a/*", "/a/{x}/v", "/**", "/a/b/v")) {
					c.subscribeById(p, id);
				}
				int threads = 3;
				int per = 200;
				ExecutorService pool = Executors.newFixedThreadPool(threads);
				try {
					List<Future<?>> fs = new ArrayList<>();
					for (int t = 0; t < threads; t++) {
						String leaf = "/a/" + "bcd".charAt(t) + "/v";
						fs.add(pool.submit(() -> {
							for (int i = 0; i < per; i++) {
								c.set(leaf, i);
							}
							return null;
						}));
					}
					for (Future<?> fu : fs) {
						fu.get(60, TimeUnit.SECONDS);
					}
				}
				finally {
					pool.shutdownNow();
				}
				await().atMost(PATIENCE).until(() -> heard.size() >= threads * per);
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				assertThat(heard).hasSize(threads * per).doesNotHaveDuplicates();
				assertThat(heard).extracting((s) -> Long.parseLong(s.substring(0, s.indexOf(':')))).isSorted();
			}
		}

	
		@Test
		void stopBubblingBySlowDeeperAsyncListenerStillStopsTheWalk() {
			CountDownLatch release = new CountDownLatch(1);
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				List<String> heard = new CopyOnWriteArrayList<>();
				c.subscribe("/a", (e) -> heard.add("top:" + e.newValue()));
				c.subscribe("/a/b/c", (e) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					heard.add("deep:" + e.newValue());
					if (e.newValue().equals(1)) {
						e.stopBubbling();
					}
				});
				c.subscribe("/a/b/c", (e) -> heard.add("deep2:" + e.newValue()));
				c.set("/a/b/c", 1);
				c.set("/a/b/c", 2);
				c.set("/a/x", 3);
				// the higher listener waits for the deeper ones of each walk (README), so nothing yet;
				// a second listener at the same path is not ordered with the slow one in async mode
				assertThat(heard).filteredOn((h) -> !h.startsWith("deep2:")).isEmpty();
				release.countDown();
				await().atMost(PATIENCE).until(() -> heard.contains("top:3"));
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				assertThat(heard).doesNotContain("top:1");
				assertThat(heard).containsSubsequence("deep:1", "deep:2", "top:2").containsSubsequence("top:2", "top:3");
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void aBlockedAsyncListenerAndManyCommitsStayBounded() {
			CountDownLatch release = new CountDownLatch(1);
			int capacity = 50;
			int commits = (int) Math.max(5_000, 100_000 * concurrencyScale());
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(capacity)
				.offerTimeout(java.time.Duration.ZERO)
				.build()) {
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				c.subscribe("/n", (e) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					heard.add(e);
				});
				long start = System.nanoTime();
				for (int i = 1; i <= commits; i++) {
					c.set("/n", i);
				}
				assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(60));
				release.countDown();
				await().atMost(PATIENCE).until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).revision() == c.revision());
				assertThat(heard.size()).isLessThanOrEqualTo(2 * capacity + 2);
				assertThat(heard).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
				assertThat(heard.get(heard.size() - 1).newValue()).isEqualTo(commits);
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void asyncListenersSeeIncreasingRevisionsUnderConcurrentWriters() throws Exception {
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(8)
				.offerTimeout(java.time.Duration.ofMillis(1))
				.build()) {
				List<List<Long>> logs = new ArrayList<>();
				for (int l = 0; l < 3; l++) {
					List<Long> log = new CopyOnWriteArrayList<>();
					logs.add(log);
					c.subscribe(l == 0 ? "/**" : "/t" + l + "/**", (e) -> {
						log.add(e.revision());
						if (e.revision() % 7 == 0) {
							java.util.concurrent.locks.LockSupport.parkNanos(100_000);
						}
					});
				}
				int threads = 3;
				int per = (int) Math.max(100, 1_000 * concurrencyScale());
				ExecutorService pool = Executors.newFixedThreadPool(threads);
				try {
					List<Future<?>> fs = new ArrayList<>();
					for (int t = 0; t < threads; t++) {
						int id = t;
						fs.add(pool.submit(() -> {
							for (int i = 0; i < per; i++) {
								c.set("/t" + id + "/v", i);
							}
							return null;
						}));
					}
					for (Future<?> fu : fs) {
						fu.get(60, TimeUnit.SECONDS);
					}
				}
				finally {
					pool.shutdownNow();
				}
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				for (List<Long> log : logs) {
					assertThat(log).isSorted().doesNotHaveDuplicates();
				}
				assertThat(logs.get(0).get(logs.get(0).size() - 1)).isEqualTo(c.revision());
			}
		}


		@ParameterizedTest
		@EnumSource(StateController.Dispatch.class)
		void aThousandListenerFailuresLogOneTraceAndFewLines(StateController.Dispatch mode) {
			try (LogCapture log = LogCapture.named("io.statetree");
					StateController c = StateController.builder().backend(newBackend()).dispatch(mode).build()) {
				c.subscribe("/n", (e) -> {
					throw new IllegalStateException("boom " + e.newValue());
				});
				c.subscribe("/m", (e) -> {
					throw new IllegalArgumentException("bang");
				});
				for (int i = 1; i <= 1_000; i++) {
					c.set("/n", i);
					c.set("/m", i);
				}
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				List<String> lines = log.lines();
				assertThat(lines.stream().filter((l) -> l.contains("\tat ")).count()).as(String.join("\n", lines)).isLessThanOrEqualTo(2);
				assertThat(lines.size()).as(String.join("\n", lines)).isLessThanOrEqualTo(10);
			}
		}

		@Test
		void manyOverflowsDoNotFloodTheLog() {
			CountDownLatch release = new CountDownLatch(1);
			try (LogCapture log = LogCapture.named("io.statetree");
					StateController c = StateController.builder()
						.backend(newBackend())
						.dispatch(StateController.Dispatch.ASYNC)
						.queueCapacity(1)
						.offerTimeout(java.time.Duration.ZERO)
						.build()) {
				c.subscribe("/n", (e) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				for (int i = 1; i <= 2_000; i++) {
					c.set("/n", i);
				}
				long overflows = io.statetree.core.internal.ControllerInternals.listenerOverflows(c);
				assertThat(overflows).isGreaterThan(100);
				release.countDown();
				List<String> lines = log.lines();
				assertThat(lines.size()).as(lines.size() + " lines for " + overflows + " overflows; first: " + (lines.isEmpty() ? "" : lines.get(0))).isLessThanOrEqualTo(20);
			}
			finally {
				release.countDown();
			}
		}


		@Test
		void anAsyncListenerUnsubscribedWithABacklogHearsNoMoreThanItsCurrentEvent() throws Exception {
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch entered = new CountDownLatch(1);
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				List<Object> heard = new CopyOnWriteArrayList<>();
				Subscription s = c.subscribe("/n", (e) -> {
					entered.countDown();
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					heard.add(e.newValue());
				});
				List<Object> other = new CopyOnWriteArrayList<>();
				c.subscribe("/n", (e) -> other.add(e.newValue()));
				for (int i = 1; i <= 10; i++) {
					c.set("/n", i);
				}
				assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
				s.close();
				release.countDown();
				await().atMost(PATIENCE).until(() -> other.size() == 10);
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				assertThat(heard).containsExactly(1);
			}
			finally {
				release.countDown();
			}
		}

		@Test
		void anAsyncListenerHearsOnlyCommitsAfterItSubscribed() {
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.build()) {
				CountDownLatch release = new CountDownLatch(1);
				c.subscribe("/n", (e) -> {
					try {
						release.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				c.set("/n", 1);
				List<Object> late = new CopyOnWriteArrayList<>();
				c.subscribe("/n", (e) -> late.add(e.newValue()));
				c.set("/n", 2);
				release.countDown();
				await().atMost(PATIENCE).until(() -> late.contains(2));
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				assertThat(late).containsExactly(2);
			}
		}

		@Test
		void anAsyncListenerThatOverfillsItsOwnQueueEndsWithTheLastValue() {
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(5)
				.offerTimeout(java.time.Duration.ofSeconds(30))
				.build()) {
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				c.subscribe("/n", (e) -> {
					heard.add(e);
					if ("go".equals(e.newValue())) {
						for (int i = 1; i <= 20; i++) {
							e.set("/n", i);
						}
					}
				});
				long start = System.nanoTime();
				c.set("/n", "go");
				await().atMost(PATIENCE).until(() -> !heard.isEmpty() && Integer.valueOf(20).equals(heard.get(heard.size() - 1).newValue()));
				assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
				assertThat(heard).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
			}
		}


		@Test
		void anAsyncListenerWritingToAHigherListenerOfItsOwnWalkDoesNotWaitForItself() {
			// found: "/b/x" writes /c twice; "/*" hears /b/x at /b (after "/b/x", its walk) and /c.
			// With capacity 1 the second write waited the whole offer timeout for room in "/*",
			// whose head waited for this very listener to finish: a stall, then an overflow
			try (StateController c = StateController.builder()
				.backend(newBackend())
				.dispatch(StateController.Dispatch.ASYNC)
				.queueCapacity(1)
				.offerTimeout(java.time.Duration.ofSeconds(8))
				.build()) {
				AtomicLong writeNanos = new AtomicLong(-1);
				c.subscribe("/b/x", (e) -> {
					long start = System.nanoTime();
					e.set("/c", 1);
					e.set("/c", 2);
					writeNanos.set(System.nanoTime() - start);
				});
				List<String> top = new CopyOnWriteArrayList<>();
				c.subscribe("/*", (e) -> top.add(e.path() + "<" + e.emittingPath() + (e.isResync() ? " resync" : "")));
				c.set("/b/x", 1);
				await().atMost(PATIENCE).until(() -> writeNanos.get() >= 0);
				io.statetree.core.internal.ControllerInternals.awaitDispatch(c, PATIENCE.toMillis());
				assertThat(java.time.Duration.ofNanos(writeNanos.get())).as("top heard " + top)
					.isLessThan(java.time.Duration.ofSeconds(4));
				assertThat(top).isNotEmpty();
			}
		}

}

}
