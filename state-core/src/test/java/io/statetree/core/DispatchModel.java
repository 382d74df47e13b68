package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

import static io.statetree.core.TreeComparison.withoutEmptyBranches;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model of event delivery under concurrent writers, for property tests on every backend:
 * threads run random set / delete / update / batch operations on a few paths while listeners
 * of various patterns record what they hear; afterwards the commit log (as the controller's
 * observer saw it) applied in revision order must give the final tree, and every listener must
 * have heard exactly the events that log implies for its pattern (DESIGN §5), each relevant
 * commit once, in revision order.
 */
public final class DispatchModel {

	/** The patterns listeners subscribe to; {@code /persistent} is the file mount of the hybrid backend. */
	public static final List<String> PATTERNS = List.of("/**", "/a/*", "/a/b", "/c/**", "/{top}", "/persistent/**", "/");

	private static final List<String> LEAVES = List.of("/a/b", "/a/c", "/c/d/e", "/persistent/x", "/persistent/y/z");

	private static final List<String> BRANCHES = List.of("/a", "/c/d", "/persistent/y");

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private DispatchModel() {
	}

	/** One operation of a worker thread. */
	public sealed interface Op permits Set, Delete, Update, Batch {
	}

	/** {@code set(path, value)}. */
	public record Set(String path, Object value) implements Op {
	}

	/** {@code delete(path)}. */
	public record Delete(String path) implements Op {
	}

	/** {@code update(path, Integer.class, n -> n + 1)}. */
	public record Update(String path) implements Op {
	}

	/** {@code batch(() -> ops)}. */
	public record Batch(List<Op> ops) implements Op {
	}

	/**
	 * Random work: one list of operations per thread.
	 * @param threads how many threads
	 * @param maxOps the most operations per thread
	 * @return the arbitrary
	 */
	public static Arbitrary<List<List<Op>>> workloads(int threads, int maxOps) {
		Arbitrary<Integer> small = Arbitraries.integers().between(0, 3);
		Arbitrary<Op> setLeaf = Combinators.combine(Arbitraries.of(LEAVES), small).as(Set::new);
		Arbitrary<Op> setBranch = Combinators
			.combine(Arbitraries.of(BRANCHES), Arbitraries.maps(Arbitraries.of("b", "c", "z", "e"), small).ofMinSize(1).ofMaxSize(2))
			.as((path, map) -> new Set(path, map));
		Arbitrary<Op> delete = Arbitraries.of(concat(LEAVES, BRANCHES)).map(Delete::new);
		Arbitrary<Op> update = Arbitraries.of(LEAVES).map(Update::new);
		Arbitrary<Op> simple = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, setLeaf),
				net.jqwik.api.Tuple.of(2, setBranch), net.jqwik.api.Tuple.of(2, delete), net.jqwik.api.Tuple.of(3, update));
		Arbitrary<Op> batch = simple.list().ofMinSize(1).ofMaxSize(3).map(Batch::new);
		Arbitrary<Op> op = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, simple), net.jqwik.api.Tuple.of(1, batch));
		return op.list().ofMaxSize(maxOps).list().ofSize(threads);
	}

	private static List<String> concat(List<String> a, List<String> b) {
		List<String> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	/**
	 * Returns the revisions a log holds, in order.
	 * @param log the log
	 * @return the revisions
	 */
	public static List<Long> revisions(CommitLog log) {
		return List.copyOf(log.commits.keySet());
	}

	/**
	 * Records every commit a controller's observer hears, by revision.
	 */
	public static final class CommitLog implements ControllerObserver {

		final NavigableMap<Long, List<Change>> commits = new ConcurrentSkipListMap<>();

		final List<String> duplicates = new CopyOnWriteArrayList<>();

		@Override
		public void onCommit(long revision, String origin, List<Change> changes) {
			if (this.commits.putIfAbsent(revision, List.copyOf(changes)) != null) {
				this.duplicates.add("revision " + revision + " observed twice");
			}
		}

	}

	/**
	 * A listener that records what it hears; some pause a little, to mix up the timing.
	 */
	public static final class Recorder implements StateListener {

		final String pattern;

		final boolean slow;

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		Recorder(String pattern, boolean slow) {
			this.pattern = pattern;
			this.slow = slow;
		}

		@Override
		public void onChange(StateEvent event) {
			if (this.slow) {
				LockSupport.parkNanos(20_000);
			}
			this.events.add(event);
		}

		@Override
		public String toString() {
			return "Recorder[" + this.pattern + "]";
		}

	}

	/**
	 * Subscribes one recorder per pattern (every other one slow).
	 * @param controller the controller
	 * @return the recorders
	 */
	public static List<Recorder> subscribe(StateController controller) {
		List<Recorder> recorders = new ArrayList<>();
		for (int i = 0; i < PATTERNS.size(); i++) {
			Recorder recorder = new Recorder(PATTERNS.get(i), i % 2 == 1);
			controller.subscribe(recorder.pattern, recorder);
			recorders.add(recorder);
		}
		return recorders;
	}

	/**
	 * Runs each thread's operations, thread {@code i} on controller {@code i % n}, all at once.
	 * Operations the tree refuses (writing under a leaf, updating a branch) are skipped.
	 * @param controllers the controllers
	 * @param work one list per thread
	 */
	public static void run(List<StateController> controllers, List<List<Op>> work) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(work.size());
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < work.size(); t++) {
				StateController controller = controllers.get(t % controllers.size());
				List<Op> ops = work.get(t);
				futures.add(pool.submit(() -> {
					start.await();
					for (Op op : ops) {
						try {
							apply(controller, op);
						}
						catch (StateException ex) {
							// refused by the tree's rules: nothing written
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void apply(StateController controller, Op op) {
		if (op instanceof Set set) {
			controller.set(set.path(), set.value());
		}
		else if (op instanceof Delete delete) {
			controller.delete(delete.path());
		}
		else if (op instanceof Update update) {
			controller.update(update.path(), Object.class, (v) -> (v instanceof Integer n) ? n + 1 : 1);
		}
		else if (op instanceof Batch batch) {
			controller.batch(() -> {
				for (Op inner : batch.ops()) {
					apply(controller, inner);
				}
			});
		}
	}

	/**
	 * Waits until every controller has delivered everything it queued and every controller's
	 * observer has seen the same commits (so the remote ones arrived too).
	 * @param controllers the controllers
	 * @param logs their commit logs, in the same order
	 */
	public static void settle(List<StateController> controllers, List<CommitLog> logs) {
		Awaitility.await()
			.atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				for (StateController controller : controllers) {
					io.statetree.core.internal.ControllerInternals.awaitDispatch(controller, PATIENCE.toMillis());
				}
				return logs.stream().map((log) -> log.commits.keySet()).distinct().count() == 1;
			});
	}

	/**
	 * Checks one controller's recorders and the final tree against the log (call
	 * {@link #settle} first).
	 * @param reader a controller to read the final tree from
	 * @param log the commit log
	 * @param recorders the recorders of one controller
	 */
	public static void check(StateController reader, CommitLog log, List<Recorder> recorders) {
		assertThat(log.duplicates).isEmpty();
		// the log applied in revision order is the final tree
		Map<String, Object> model = new LinkedHashMap<>();
		Map<Long, Map<String, Object>> after = new LinkedHashMap<>();
		for (Map.Entry<Long, List<Change>> commit : log.commits.entrySet()) {
			for (Change change : commit.getValue()) {
				put(model, change.path(), change.newValue());
			}
			after.put(commit.getKey(), deepCopy(model));
		}
		// backends differ on whether a branch emptied by deletes stays: compare without empty branches
		assertThat(StateValues.equal(withoutEmptyBranches(reader.get("/")), withoutEmptyBranches(model))).as("final tree %s vs the log applied in order %s",
				reader.get("/"), model)
			.isTrue();
		for (Recorder recorder : recorders) {
			PathPattern pattern = PathPattern.compile(recorder.pattern);
			List<String> expected = new ArrayList<>();
			for (Map.Entry<Long, List<Change>> commit : log.commits.entrySet()) {
				expected.addAll(heard(pattern, commit.getKey(), commit.getValue()));
			}
			List<String> actual = new ArrayList<>();
			List<StateEvent> events = List.copyOf(recorder.events);
			for (StateEvent event : events) {
				actual.add(event.revision() + " " + event.emittingPath());
				assertThat(pattern.matches(event.path())).as("%s notified at %s", recorder, event.path()).isTrue();
				assertThat(event.path().isAncestorOrSelf(event.emittingPath())).isTrue();
				Object now = StateValues.getIn(after.get(event.revision()), event.emittingPath());
				assertThat(StateValues.equal(withoutEmptyBranches(event.newValue()), withoutEmptyBranches(now)))
					.as("%s: new value at %s in revision %d", recorder, event.emittingPath(), event.revision())
					.isTrue();
			}
			assertThat(events).extracting(StateEvent::revision).as("%s hears commits in revision order", recorder)
				.isSorted();
			assertThat(actual).as("%s hears each relevant commit exactly once", recorder)
				.containsExactlyInAnyOrderElementsOf(expected);
		}
	}

	/**
	 * Checks that revisions are gap-free: every commit changed something and took the next
	 * revision, so the log holds every revision from 1 to the controller's, and {@code history}
	 * reads back the same commits (revision, paths and new values). A commit that changed no value
	 * (a batch writing a path twice, back to the value it had; on Redis possibly because another
	 * instance wrote that value just before) takes no revision.
	 * @param reader the controller whose revision and history are read
	 * @param log the commit log heard by an observer
	 */
	public static void checkGapFree(StateController reader, CommitLog log) {
		long revision = reader.revision();
		List<Long> expected = new ArrayList<>();
		for (long r = 1; r <= revision; r++) {
			expected.add(r);
		}
		assertThat(revisions(log)).as("every revision up to %d was a commit that changed something", revision)
			.isEqualTo(expected);
		List<Long> history = new ArrayList<>();
		for (Commit commit : reader.history(0, (int) revision + 10)) {
			history.add(commit.revision());
			Map<String, @Nullable Object> read = new LinkedHashMap<>();
			for (ChangedPath changed : commit.changes()) {
				read.put(changed.path().toString(), changed.newValue());
			}
			Map<String, @Nullable Object> heard = new LinkedHashMap<>();
			for (Change change : log.commits.getOrDefault(commit.revision(), List.of())) {
				heard.put(change.path().toString(), change.newValue());
			}
			assertThat(read.keySet()).as("history's commit %d: paths", commit.revision()).isEqualTo(heard.keySet());
			for (Map.Entry<String, @Nullable Object> entry : read.entrySet()) {
				assertThat(StateValues.equal(entry.getValue(), heard.get(entry.getKey())))
					.as("history's commit %d: new value at %s", commit.revision(), entry.getKey())
					.isTrue();
			}
		}
		assertThat(history).as("history holds every revision once").isEqualTo(expected);
	}

	/** What a listener of {@code pattern} hears of one commit: "revision emittingPath" entries. */
	static List<String> heard(PathPattern pattern, long revision, List<Change> changes) {
		java.util.Set<StatePath> emitting = new java.util.LinkedHashSet<>();
		for (Change change : changes) {
			StatePath w = change.path();
			List<StatePath> descendants = new ArrayList<>();
			changedDescendants(w, change.oldValue(), change.newValue(), descendants);
			for (StatePath d : descendants) {
				if (pattern.matches(d)) {
					emitting.add(d);
				}
			}
			for (int i = w.depth(); i >= 0; i--) {
				if (pattern.matches(w.prefix(i))) {
					emitting.add(w);
					break;
				}
			}
		}
		List<String> out = new ArrayList<>();
		for (StatePath path : emitting) {
			out.add(revision + " " + path);
		}
		return out;
	}

	private static void changedDescendants(StatePath path, @Nullable Object oldValue, @Nullable Object newValue,
			List<StatePath> out) {
		java.util.Set<String> keys = new java.util.LinkedHashSet<>();
		if (oldValue instanceof Map<?, ?> m) {
			m.keySet().forEach((k) -> keys.add((String) k));
		}
		if (newValue instanceof Map<?, ?> m) {
			m.keySet().forEach((k) -> keys.add((String) k));
		}
		for (String key : keys) {
			Object o = (oldValue instanceof Map<?, ?> m) ? m.get(key) : null;
			Object n = (newValue instanceof Map<?, ?> m) ? m.get(key) : null;
			if (!StateValues.equal(o, n)) {
				StatePath child = path.child(key);
				out.add(child);
				changedDescendants(child, o, n, out);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static void put(Map<String, Object> root, StatePath path, @Nullable Object value) {
		if (path.isRoot()) {
			root.clear();
			if (value instanceof Map<?, ?> m) {
				m.forEach((k, v) -> root.put((String) k, deepCopy(v)));
			}
			return;
		}
		Map<String, Object> node = root;
		for (int i = 0; i < path.depth() - 1; i++) {
			Object child = node.get(path.segment(i));
			if (!(child instanceof Map)) {
				if (value == null) {
					return;
				}
				child = new LinkedHashMap<String, Object>();
				node.put(path.segment(i), child);
			}
			node = (Map<String, Object>) child;
		}
		if (value == null) {
			node.remove(path.name());
		}
		else {
			node.put(path.name(), deepCopy(value));
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> T deepCopy(T value) {
		if (value instanceof Map<?, ?> m) {
			Map<String, Object> copy = new LinkedHashMap<>();
			m.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
			return (T) copy;
		}
		return value;
	}

}
