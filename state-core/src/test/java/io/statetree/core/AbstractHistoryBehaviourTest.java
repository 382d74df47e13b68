package io.statetree.core;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * History, replay from a revision, snapshots, actors and counters (DESIGN §11, §19), run against
 * every backend: each backend's test class extends this one and supplies {@link #newBackend}.
 */
public abstract class AbstractHistoryBehaviourTest {

	protected static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Creates a fresh, empty backend.
	 * @param scratch an empty directory, deleted after the test, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path scratch);

	/**
	 * Creates a fresh, empty backend whose own history (if it keeps one) holds the given number
	 * of commits, as the controller's {@code historySize} does for the others.
	 * @param scratch an empty directory
	 * @param historySize the number of commits
	 * @return the backend; by default {@link #newBackend(Path)}
	 */
	protected StateBackend newBackend(Path scratch, int historySize) {
		return newBackend(scratch);
	}

	/**
	 * Scales the size of concurrency tests (1.0 by default); slow backends may lower it.
	 * @return the factor
	 */
	protected double concurrencyScale() {
		return 1.0;
	}

	private final List<StateController> opened = new ArrayList<>();

	private final List<Path> scratches = new ArrayList<>();

	/** A controller on a fresh backend, closed after the test. */
	protected StateController controller(Consumer<StateControllerBuilder> settings) {
		StateControllerBuilder builder = StateController.builder().backend(newBackend(scratch()));
		settings.accept(builder);
		StateController c = builder.build();
		this.opened.add(c);
		return c;
	}

	/** A controller whose history, the controller's or the backend's own, keeps {@code historySize} commits. */
	protected StateController controller(int historySize, Consumer<StateControllerBuilder> settings) {
		StateControllerBuilder builder = StateController.builder().backend(newBackend(scratch(), historySize));
		settings.accept(builder);
		builder.historySize(historySize);
		StateController c = builder.build();
		this.opened.add(c);
		return c;
	}

	protected StateController controller(StateController.Dispatch dispatch) {
		return controller((b) -> b.dispatch(dispatch));
	}

	/**
	 * A controller whose history keeps the last {@code commits} commits: the builder's
	 * {@code historySize}; a backend with a history of its own (Redis) overrides this to set up
	 * its own retention.
	 * @param commits how many commits the history keeps
	 * @param dispatch the dispatch mode
	 * @return the controller, closed after the test
	 */
	protected StateController controllerRetaining(int commits, StateController.Dispatch dispatch) {
		// the builder's historySize, and through newBackend(scratch, historySize) a backend's own (files)
		return controller(commits, (b) -> b.dispatch(dispatch));
	}

	/**
	 * Registers a controller made by a subclass, so that it is closed after the test.
	 * @param c the controller
	 * @return {@code c}
	 */
	protected StateController opened(StateController c) {
		this.opened.add(c);
		return c;
	}

	private Path scratch() {
		try {
			Path dir = Files.createTempDirectory("statetree-history");
			this.scratches.add(dir);
			return dir;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterEach
	void closeAll() throws IOException {
		for (StateController c : this.opened) {
			c.close();
		}
		this.opened.clear();
		for (Path dir : this.scratches) {
			try (Stream<Path> walk = Files.walk(dir)) {
				for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
		}
		this.scratches.clear();
	}

	// ---- helpers ----

	/** A value in a comparable form: numbers by value, branches as sorted maps, lists element-wise. */
	static @Nullable Object norm(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> sorted = new TreeMap<>();
			map.forEach((k, v) -> sorted.put(String.valueOf(k), norm(v)));
			return sorted;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(AbstractHistoryBehaviourTest::norm).toList();
		}
		if (value instanceof Number n) {
			BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
			return (d.signum() == 0) ? "0" : d.toPlainString();
		}
		return value;
	}

	/** What a subscriber saw of one event. */
	record Seen(String path, String emittingPath, @Nullable Object prev, @Nullable Object next, long revision) {

		static Seen of(StateEvent e) {
			return new Seen(e.path().toString(), e.emittingPath().toString(), norm(e.prevValue()), norm(e.newValue()),
					e.revision());
		}

	}

	/** Subscribes with unbounded demand and collects the events. */
	static final class Collector implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		volatile @Nullable Throwable error;

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable throwable) {
			this.error = throwable;
		}

		@Override
		public void onComplete() {
		}

		List<Seen> seen() {
			return this.events.stream().map(Seen::of).toList();
		}

	}

	// ---- history ----

	@Test
	void historyListsEachChangingCommitOldestFirst() {
		StateController c = controller((b) -> {
		});
		long start = c.revision();
		c.set("/a/x", 1);
		c.set("/a/x", 1); // changes nothing: not in the history
		c.set("/a", Map.of("y", 2));
		c.delete("/a/y");
		List<Commit> history = c.history(start, 10);
		assertThat(history).hasSize(3);
		assertThat(history).extracting(Commit::revision).isSorted().doesNotHaveDuplicates();
		assertThat(history.get(0).changes()).singleElement().satisfies((ch) -> {
			assertThat(ch.path()).hasToString("/a/x");
			assertThat(ch.oldValue()).isNull();
			assertThat(norm(ch.newValue())).isEqualTo("1");
		});
		assertThat(norm(history.get(1).changes().get(0).oldValue())).isEqualTo(Map.of("x", "1"));
		assertThat(norm(history.get(1).changes().get(0).newValue())).isEqualTo(Map.of("y", "2"));
		assertThat(history.get(2).changes().get(0).newValue()).isNull();
		assertThat(history).allSatisfy((commit) -> {
			assertThat(commit.origin()).isEqualTo(c.instanceId());
			assertThat(commit.time()).isNotNull();
			assertThat(commit.actor()).isNull();
			assertThat(commit.causedBy()).isZero();
		});
		assertThat(history.get(2).revision()).isEqualTo(c.revision());
		assertThat(c.history(history.get(0).revision(), 1)).containsExactly(history.get(1));
		assertThat(c.history(c.revision(), 10)).isEmpty();
	}

	/** One step of a random run: a write of one path, or a batch of writes of distinct top-level keys. */
	record Op(List<String> paths, List<@Nullable Object> values) {
	}

	@Provide
	Arbitrary<List<Op>> runs() {
		Arbitrary<@Nullable Object> value = Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map((i) -> (Object) i),
				Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2))
					.as((x, y) -> (Object) Map.of("b", x, "c", y)),
				Arbitraries.just(null));
		Arbitrary<String> path = Arbitraries.of("/a", "/a/x", "/a/y", "/a/x/b", "/a/y/b", "/b", "/b/c", "/persistent/p");
		Arbitrary<Op> single = Combinators.combine(path, value).as((p, v) -> {
			List<@Nullable Object> values = new ArrayList<>();
			values.add(v);
			return new Op(List.of(p), values);
		});
		Arbitrary<Op> batch = Combinators.combine(value, value, Arbitraries.integers().between(0, 2)).as((v1, v2, k) -> {
			List<@Nullable Object> values = new ArrayList<>();
			values.add(v1);
			values.add(v2);
			return new Op((k == 0) ? List.of("/a", "/b") : (k == 1) ? List.of("/b/c", "/a/x")
					: List.of("/a/y", "/persistent/p"), values);
		});
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, single), net.jqwik.api.Tuple.of(1, batch))
			.list()
			.ofMinSize(1)
			.ofMaxSize(30);
	}

	/** Applies one op to the controller; a write below a leaf is refused and changes nothing. */
	private static void apply(StateController c, Op op) {
		try {
			if (op.paths().size() == 1) {
				c.set(op.paths().get(0), op.values().get(0));
			}
			else {
				c.batch(() -> {
					for (int i = 0; i < op.paths().size(); i++) {
						c.set(op.paths().get(i), op.values().get(i));
					}
				});
			}
		}
		catch (StateWriteException ex) {
			// below a leaf: refused, nothing written
		}
	}

	/**
	 * Random writes, deletes, subtree writes and batches: the history after the start is exactly
	 * the commits that changed something, each listing what changed with the values before and
	 * after (checked against a model that replays the history on the starting tree), with
	 * strictly increasing revisions ending at the current one.
	 */
	@Property(tries = 25)
	void theHistoryIsTheSequenceOfCommittedChanges(@ForAll("runs") List<Op> run) throws IOException {
		try {
			StateController c = controller((b) -> {
			});
			long start = c.revision();
			List<Object> trees = new ArrayList<>();
			trees.add(norm(c.get("/")));
			for (Op op : run) {
				long before = c.revision();
				apply(c, op);
				if (c.revision() != before) {
					trees.add(norm(c.get("/")));
				}
			}
			List<Commit> history = c.history(start, 10_000);
			assertThat(history).hasSize(trees.size() - 1);
			assertThat(history).extracting(Commit::revision).isSorted().doesNotHaveDuplicates();
			if (!history.isEmpty()) {
				assertThat(history.get(history.size() - 1).revision()).isEqualTo(c.revision());
			}
			// the model: each commit's changes, applied to the tree before it, give the tree after it
			for (int i = 0; i < history.size(); i++) {
				Map<String, Object> tree = copy(trees.get(i));
				for (ChangedPath change : history.get(i).changes()) {
					assertThat(norm(valueAt(tree, change.path()))).as("old value of %s", change.path())
						.isEqualTo(norm(change.oldValue()));
					assertThat(norm(change.oldValue())).isNotEqualTo(norm(change.newValue()));
					tree = putAt(tree, change.path(), norm(change.newValue()));
				}
				// compared without empty branches (a mounted backend shows an empty mount point as absent)
				assertThat(pruned(tree)).isEqualTo(pruned(trees.get(i + 1)));
			}
		}
		finally {
			closeAll();
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> copy(Object tree) {
		Map<String, Object> out = new TreeMap<>();
		((Map<String, Object>) tree).forEach((k, v) -> out.put(k, (v instanceof Map) ? copy(v) : v));
		return out;
	}

	private static @Nullable Object valueAt(Map<String, Object> tree, StatePath path) {
		Object at = tree;
		for (int i = 0; i < path.depth(); i++) {
			if (!(at instanceof Map<?, ?> map)) {
				return null;
			}
			at = map.get(path.segment(i));
		}
		return at;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> putAt(Map<String, Object> tree, StatePath path, @Nullable Object value) {
		if (path.isRoot()) {
			return (value == null) ? new TreeMap<>() : copy(value);
		}
		Map<String, Object> at = tree;
		for (int i = 0; i < path.depth() - 1; i++) {
			Object next = at.get(path.segment(i));
			if (!(next instanceof Map)) {
				next = new TreeMap<String, Object>();
				at.put(path.segment(i), next);
			}
			at = (Map<String, Object>) next;
		}
		String last = path.segment(path.depth() - 1);
		if (value == null) {
			at.remove(last);
		}
		else {
			at.put(last, (value instanceof Map) ? copy(value) : value);
		}
		return tree;
	}

	/** A copy without empty branches. */
	private static @Nullable Object pruned(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> out = new TreeMap<>();
		map.forEach((k, v) -> {
			Object p = pruned(v);
			if (!(p instanceof Map<?, ?> m && m.isEmpty())) {
				out.put(String.valueOf(k), p);
			}
		});
		return out;
	}

	// ---- watch from a revision ----

	/**
	 * A recorder subscribed from the start and {@code watch(pattern, r)} for a random earlier
	 * revision see the same events above {@code r}, in the same order: replay then live.
	 */
	@Property(tries = 20)
	void watchFromARevisionSeesWhatALiveSubscriberSawAfterIt(@ForAll("runs") List<Op> run,
			@ForAll("patterns") String pattern, @ForAll StateController.Dispatch dispatch,
			@ForAll("fractions") double where) throws IOException {
		try {
			StateController c = controller(dispatch);
			Collector live = new Collector();
			c.watch(pattern).subscribe(live);
			long start = c.revision();
			int half = run.size() / 2;
			for (Op op : run.subList(0, half)) {
				apply(c, op);
			}
			long from = start + (long) Math.floor((c.revision() - start) * where);
			Collector replayed = new Collector();
			c.watch(pattern, from).subscribe(replayed);
			for (Op op : run.subList(half, run.size())) {
				apply(c, op);
			}
			// a last write both hear, so both are complete once they heard it
			if (!(c.get("/a") instanceof Map)) {
				c.delete("/a");
			}
			c.set("/a/z/b", "end");
			await().atMost(WAIT).until(() -> heardEnd(live) && heardEnd(replayed));
			List<Seen> expected = live.seen().stream().filter((s) -> s.revision() > from).toList();
			assertThat(replayed.seen()).isEqualTo(expected);
			assertThat(replayed.events).noneMatch(StateEvent::isResync);
			assertThat(replayed.error).isNull();
		}
		finally {
			closeAll();
		}
	}

	private static boolean heardEnd(Collector collector) {
		return collector.events.stream()
			.anyMatch((e) -> "end".equals(e.newValue()) && e.emittingPath().toString().equals("/a/z/b"));
	}

	@Provide
	Arbitrary<String> patterns() {
		return Arbitraries.of("/a/**", "/a/*", "/a/{x}/b", "/**");
	}

	@Provide
	Arbitrary<Double> fractions() {
		return Arbitraries.of(0.0, 0.3, 0.7, 1.0);
	}

	/**
	 * The race: {@code getVersioned}, then {@code watch(pattern, v.revision())} while
	 * another thread commits: every later revision exactly once, strictly increasing, each value
	 * one more than the last, ending at the final value.
	 */
	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void readThenFollowMissesNothingWhileAnotherThreadWrites(StateController.Dispatch dispatch) throws Exception {
		StateController c = controller(dispatch);
		int commits = Math.max(200, (int) (2_000 * Math.min(1.0, concurrencyScale() * 5)));
		c.set("/race/n", 0);
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try {
			Future<?> writes = writer.submit(() -> {
				for (int i = 1; i <= commits; i++) {
					c.set("/race/n", i);
					// paced, so that the reader below starts while most commits are still to come
					java.util.concurrent.locks.LockSupport.parkNanos(20_000);
				}
			});
			await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> c.get("/race/n", Integer.class) >= 20);
			Versioned<Integer> v = c.getVersioned("/race/n", Integer.class);
			assertThat(v.value()).isLessThan(commits / 2);
			Collector followed = new Collector();
			c.watch("/race/**", v.revision()).subscribe(followed);
			writes.get(60, TimeUnit.SECONDS);
			await().atMost(WAIT).failFast(() -> followed.error != null).until(() -> !followed.events.isEmpty()
					&& Integer.valueOf(commits).equals(followed.events.get(followed.events.size() - 1).newValue(Integer.class)));
			List<StateEvent> events = followed.events;
			assertThat(events).noneMatch(StateEvent::isResync);
			assertThat(events.get(0).revision()).isEqualTo(v.revision() + 1);
			for (int i = 0; i < events.size(); i++) {
				StateEvent e = events.get(i);
				assertThat(e.revision()).isEqualTo(v.revision() + 1 + i);
				assertThat(e.newValue(Integer.class)).isEqualTo(v.value() + 1 + i);
			}
			assertThat(events).hasSize(commits - v.value());
			assertThat(events.get(events.size() - 1).revision()).isEqualTo(c.revision());
		}
		finally {
			writer.shutdownNow();
		}
	}

	/**
	 * When the history no longer reaches back, the watch starts with one resync event at the
	 * pattern's concrete prefix carrying the value there now, then live events after it.
	 */
	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void watchingFromARevisionNoLongerRetainedStartsWithOneResync(StateController.Dispatch dispatch) {
		StateController c = controllerRetaining(10, dispatch);
		long start = c.revision();
		for (int i = 0; i < 30; i++) {
			c.set("/r/" + (i % 3) + "/b", i);
		}
		assertThat(c.history(start, 100)).hasSizeLessThanOrEqualTo(10);
		Collector collector = new Collector();
		c.watch("/r/{id}/b", start + 5).subscribe(collector);
		await().atMost(WAIT).until(() -> !collector.events.isEmpty());
		StateEvent resync = collector.events.get(0);
		assertThat(resync.isResync()).isTrue();
		assertThat(resync.path()).hasToString("/r");
		assertThat(norm(resync.newValue())).isEqualTo(norm(c.get("/r")));
		assertThat(resync.revision()).isEqualTo(c.revision());
		c.set("/r/1/b", 100);
		await().atMost(WAIT).until(() -> collector.events.size() == 2);
		assertThat(collector.events.get(1).revision()).isEqualTo(c.revision());
		assertThat(collector.events.get(1).newValue()).isEqualTo(100);
		// a retained revision replays without a resync
		Collector recent = new Collector();
		c.watch("/r/**", c.revision() - 3).subscribe(recent);
		await().atMost(WAIT).until(() -> recent.events.size() == 3);
		assertThat(recent.events).noneMatch(StateEvent::isResync);
	}

	/** Replay honours demand: nothing is delivered beyond what was requested. */
	@Test
	void replayDeliversOnlyWhatWasRequested() {
		StateController c = controller((b) -> {
		});
		long start = c.revision();
		for (int i = 0; i < 50; i++) {
			c.set("/d/x", i);
		}
		List<StateEvent> got = new CopyOnWriteArrayList<>();
		Flow.Subscription[] subscription = new Flow.Subscription[1];
		c.watch("/d/**", start).subscribe(new Flow.Subscriber<>() {
			@Override
			public void onSubscribe(Flow.Subscription s) {
				subscription[0] = s;
			}

			@Override
			public void onNext(StateEvent item) {
				got.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}
		});
		assertThat(got).isEmpty();
		subscription[0].request(7);
		await().atMost(WAIT).until(() -> got.size() == 7);
		subscription[0].request(100);
		await().atMost(WAIT).until(() -> got.size() == 50);
		assertThat(got).extracting((e) -> e.newValue(Integer.class)).isEqualTo(java.util.stream.IntStream.range(0, 50).boxed().toList());
		assertThat(got).allSatisfy((e) -> assertThat(e.payload()).isNull());
		subscription[0].cancel();
		c.set("/d/x", 99);
		assertThat(got).hasSize(50);
	}

	// ---- getVersioned, snapshots ----

	@Test
	void getVersionedReadsTheValueWithItsRevision() {
		StateController c = controller((b) -> {
		});
		c.set("/v/a", 1);
		Versioned<Object> v = c.getVersioned("/v");
		assertThat(norm(v.value())).isEqualTo(Map.of("a", "1"));
		assertThat(v.revision()).isEqualTo(c.revision());
		assertThat(c.getVersioned("/v/a", Integer.class)).isEqualTo(new Versioned<>(1, c.revision()));
		assertThat(c.getVersioned("/v", new TypeRef<Map<String, Integer>>() {
		}).value()).isEqualTo(Map.of("a", 1));
		assertThat(c.getVersioned("/nothing").value()).isNull();
		assertThat(norm(c.getVersioned("/").value())).isEqualTo(norm(c.get("/")));
	}

	/**
	 * Value and revision come from one snapshot: while another thread writes, every read's value
	 * is the new value of the history's commit with the read's revision.
	 */
	@Test
	void getVersionedAgreesWithTheHistoryWhileAnotherThreadWrites() throws Exception {
		StateController c = controller((b) -> {
		});
		c.set("/g/n", 0);
		int commits = Math.max(100, (int) (500 * Math.min(1.0, concurrencyScale() * 5)));
		List<Versioned<Integer>> reads = new CopyOnWriteArrayList<>();
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try {
			Future<?> writes = writer.submit(() -> {
				for (int i = 1; i <= commits; i++) {
					c.set("/g/n", i);
				}
			});
			// at least one read, however fast the writer finished
			do {
				reads.add(c.getVersioned("/g/n", Integer.class));
			}
			while (!writes.isDone());
			writes.get(60, TimeUnit.SECONDS);
		}
		finally {
			writer.shutdownNow();
		}
		Map<Long, Object> valueAt = new TreeMap<>();
		for (Commit commit : c.history(0, 10_000)) {
			for (ChangedPath change : commit.changes()) {
				if (change.path().toString().equals("/g/n")) {
					valueAt.put(commit.revision(), norm(change.newValue()));
				}
			}
		}
		assertThat(reads).isNotEmpty();
		for (Versioned<Integer> read : reads) {
			assertThat(valueAt).as("a commit at revision %d", read.revision()).containsKey(read.revision());
			assertThat(valueAt.get(read.revision())).as("value at revision %d", read.revision())
				.isEqualTo(norm(read.value()));
		}
	}

	@Test
	void aSnapshotRoundTripsThroughJsonTextExactly() {
		StateController c = controller((b) -> {
		});
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("price", new BigDecimal("0.10"));
		value.put("tiny", new BigDecimal("1.000000000000000000000000000001"));
		value.put("big", new BigInteger("123456789012345678901234567890"));
		value.put("long", Long.MAX_VALUE);
		value.put("nested", Map.of("deeper", Map.of("list", List.of(1, "two", true)), "text", "ü \"quoted\""));
		c.set("/shop", value);
		StateSnapshot snapshot = c.snapshot("/shop");
		assertThat(snapshot.revision()).isEqualTo(c.revision());
		JsonMapper mapper = JsonMapper.builder().build();
		String json = mapper.writeValueAsString(snapshot);
		assertThat(json).startsWith("{\"path\":\"/shop\",\"revision\":" + c.revision() + ",\"value\":{");
		StateSnapshot read = mapper.readValue(json, StateSnapshot.class);
		assertThat(read.path()).isEqualTo(StatePath.of("/shop"));
		assertThat(read.revision()).isEqualTo(snapshot.revision());
		c.delete("/shop");
		c.set("/shop/extra", 1);
		long revision = c.restore(read);
		assertThat(revision).isEqualTo(c.revision());
		assertThat(c.get("/shop/price")).isEqualTo(new BigDecimal("0.10"));
		assertThat(c.get("/shop/tiny")).isEqualTo(new BigDecimal("1.000000000000000000000000000001"));
		assertThat(c.get("/shop/big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
		assertThat(((Number) c.get("/shop/long")).longValue()).isEqualTo(Long.MAX_VALUE);
		assertThat(c.get("/shop/extra")).isNull();
		assertThat(norm(c.get("/shop"))).isEqualTo(norm(value));
		// restoring what is there changes nothing and returns the current revision
		assertThat(c.restore(read)).isEqualTo(revision);
		assertThat(c.revision()).isEqualTo(revision);
		// malformed JSON, or an invalid path, is refused while reading
		assertThatThrownBy(() -> mapper.readValue("{\"path\":\"/a//b\",\"revision\":1,\"value\":1}",
				StateSnapshot.class)).hasRootCauseInstanceOf(InvalidPathException.class);
		assertThatThrownBy(() -> mapper.readValue("{\"path\":\"/a\",\"value\":{", StateSnapshot.class))
			.isInstanceOf(tools.jackson.core.JacksonException.class);
		assertThatThrownBy(() -> mapper.readValue("{\"path\":\"/a\",\"revision\":-1,\"value\":1}",
				StateSnapshot.class)).hasRootCauseInstanceOf(IllegalArgumentException.class);
		// a snapshot of an absent path deletes on restore
		StateSnapshot absent = c.snapshot("/none");
		assertThat(absent.value()).isNull();
		c.set("/none", 1);
		c.restore(absent);
		assertThat(c.get("/none")).isNull();
	}

	// ---- actor and causedBy ----

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void theActorIsRecordedInCommitsAndEvents(StateController.Dispatch dispatch) {
		String[] current = { "bob" };
		StateController c = controller((b) -> b.dispatch(dispatch).defaultActor(() -> current[0]));
		Collector events = new Collector();
		c.watch("/act/**").subscribe(events);
		long start = c.revision();
		c.set("/act/a", 1, WriteOptions.actor("alice"));
		c.set("/act/a", 2);
		c.batch(() -> {
			c.set("/act/b", 1);
			c.set("/act/c", 1, WriteOptions.payload("p").withActor("carol"));
			c.set("/act/d", 1, WriteOptions.actor("dave"));
		});
		current[0] = null;
		c.set("/act/a", 3);
		c.batch(() -> c.set("/act/e", 1));
		List<Commit> history = c.history(start, 10);
		assertThat(history).extracting(Commit::actor).containsExactly("alice", "bob", "carol", null, null);
		await().atMost(WAIT).until(() -> events.events.size() == 7);
		assertThat(events.events).extracting(StateEvent::actor)
			.containsExactly("alice", "bob", "carol", "carol", "carol", null, null);
		// replayed events carry the actor too
		Collector replayed = new Collector();
		c.watch("/act/**", start).subscribe(replayed);
		await().atMost(WAIT).until(() -> replayed.events.size() == 7);
		assertThat(replayed.events).extracting(StateEvent::actor)
			.containsExactly("alice", "bob", "carol", "carol", "carol", null, null);
		assertThat(replayed.events).extracting(StateEvent::origin).containsOnly(c.instanceId());
	}

	@Test
	void aDefaultActorThatThrowsCountsAsNone() {
		StateController c = controller((b) -> b.defaultActor(() -> {
			throw new IllegalStateException("no context");
		}));
		long start = c.revision();
		assertThat(c.set("/t/x", 1)).isTrue();
		assertThat(c.history(start, 10)).singleElement().extracting(Commit::actor).isNull();
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void causedByNamesTheCommitWhoseListenerOrEffectWrote(StateController.Dispatch dispatch) {
		StateController c = controller(dispatch);
		c.subscribe("/cause/trigger", (e) -> e.set("/cause/effect", e.newValue()));
		c.track((e) -> {
			Object n = e.get("/cause/tracked");
			if (n != null) {
				e.set("/cause/fromEffect", n);
			}
		});
		Collector events = new Collector();
		c.watch("/cause/**").subscribe(events);
		long start = c.revision();
		c.set("/cause/trigger", 1);
		long trigger = c.history(start, 1).get(0).revision();
		await().atMost(WAIT).until(() -> c.get("/cause/effect") != null);
		c.set("/cause/tracked", 2);
		await().atMost(WAIT).until(() -> c.get("/cause/fromEffect") != null);
		List<Commit> history = c.history(start, 10);
		Map<String, Commit> byPath = new TreeMap<>();
		for (Commit commit : history) {
			byPath.put(commit.changes().get(0).path().toString(), commit);
		}
		assertThat(byPath.get("/cause/trigger").causedBy()).isZero();
		assertThat(byPath.get("/cause/effect").causedBy()).isEqualTo(trigger);
		assertThat(byPath.get("/cause/tracked").causedBy()).isZero();
		assertThat(byPath.get("/cause/fromEffect").causedBy()).isEqualTo(byPath.get("/cause/tracked").revision());
		await().atMost(WAIT).until(() -> events.events.size() == 4);
		for (StateEvent e : events.events) {
			assertThat(e.causedBy()).isEqualTo(byPath.get(e.emittingPath().toString()).causedBy());
		}
		// replayed events carry it too
		Collector replayed = new Collector();
		c.watch("/cause/**", start).subscribe(replayed);
		await().atMost(WAIT).until(() -> replayed.events.size() == 4);
		assertThat(replayed.events).extracting(StateEvent::causedBy)
			.isEqualTo(events.events.stream().map(StateEvent::causedBy).toList());
	}

	// ---- increment ----

	/**
	 * After {@code increment} the counter reads back, and is in the history, as exactly what a
	 * {@code set} of the same {@code long} stores (same value, same Java type), in a commit of its
	 * own and inside a batch. The path is under {@code /persistent} so that it reaches the files on
	 * the hybrid backend.
	 */
	@Property(tries = 30)
	void incrementStoresWhatASetOfTheSumStores(@ForAll("counterValues") @Nullable Long start,
			@ForAll("deltas") long delta, @ForAll boolean inBatch) {
		long sum;
		try {
			sum = Math.addExact((start != null) ? start : 0L, delta);
		}
		catch (ArithmeticException ex) {
			return;
		}
		StateController c = controller((b) -> {
		});
		if (start != null) {
			c.set("/persistent/n", start);
		}
		long rev = c.revision();
		long result = inBatch ? c.batch(() -> c.increment("/persistent/n", delta)) : c.increment("/persistent/n", delta);
		assertThat(result).isEqualTo(sum);
		c.set("/persistent/set", sum);
		Object incremented = c.get("/persistent/n");
		Object set = c.get("/persistent/set");
		assertThat(incremented).isEqualTo(set).isInstanceOf(set.getClass());
		List<Commit> after = c.history(rev, 10);
		if (start == null || delta != 0) {
			Object recorded = after.get(0).changes().get(0).newValue();
			assertThat(recorded).isEqualTo(set).isInstanceOf(set.getClass());
			assertThat(after.get(1).changes().get(0).newValue()).isEqualTo(recorded);
		}
	}

	@Provide
	Arbitrary<@Nullable Long> counterValues() {
		return Arbitraries.frequencyOf(Tuple.of(8, deltas()), Tuple.of(1, Arbitraries.just(null)));
	}

	@Provide
	Arbitrary<Long> deltas() {
		return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().map(Long::valueOf)),
				Tuple.of(3, Arbitraries.longs()), Tuple.of(2, Arbitraries.of(0L, 1L, -1L, (long) Integer.MAX_VALUE,
						Integer.MAX_VALUE + 1L, (long) Integer.MIN_VALUE, Integer.MIN_VALUE - 1L, Long.MAX_VALUE,
						Long.MIN_VALUE)));
	}

	@Test
	void incrementAddsToAnIntegerCountingAbsentAsZero() {
		StateController c = controller((b) -> {
		});
		Collector events = new Collector();
		c.watch("/n").subscribe(events);
		assertThat(c.increment("/n", 5)).isEqualTo(5);
		assertThat(c.increment("/n", -7)).isEqualTo(-2);
		assertThat(c.get("/n", Long.class)).isEqualTo(-2L);
		c.set("/m", Long.MAX_VALUE - 1);
		assertThat(c.increment("/m", 1)).isEqualTo(Long.MAX_VALUE);
		c.set("/big", new BigInteger("41"));
		assertThat(c.increment("/big", 1)).isEqualTo(42);
		await().atMost(WAIT).until(() -> events.events.size() == 2);
		assertThat(events.events).extracting((e) -> e.newValue(Long.class)).containsExactly(5L, -2L);
		assertThat(c.batch(() -> {
			c.increment("/n", 10);
			return c.increment("/n", 10);
		})).isEqualTo(18);
		assertThat(c.get("/n", Long.class)).isEqualTo(18L);
	}

	@Test
	void incrementIsExactUnderConcurrency() throws Exception {
		StateController c = controller((b) -> {
		});
		int perThread = Math.max(100, (int) (2_500 * Math.min(1.0, concurrencyScale() * 5)));
		int batches = perThread / 5;
		ExecutorService pool = Executors.newFixedThreadPool(5);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						c.increment("/count", 1);
					}
				}));
			}
			futures.add(pool.submit(() -> {
				for (int i = 0; i < batches; i++) {
					int n = i;
					c.batch(() -> {
						c.increment("/count", 1);
						c.set("/other", n);
					});
				}
			}));
			for (Future<?> f : futures) {
				f.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(c.get("/count", Long.class)).isEqualTo(4L * perThread + batches);
	}

	// ---- bad input: a clear exception, nothing written ----

	@Test
	void badInputIsRefusedAndNothingIsWritten() {
		StateController c = controller((b) -> {
		});
		c.set("/s", "x");
		c.set("/d", new BigDecimal("1.5"));
		c.set("/br", Map.of("k", 1));
		c.set("/max", Long.MAX_VALUE);
		c.set("/leaf", 1);
		c.set("/bool", true);
		c.set("/list", List.of(1, 2));
		long revision = c.revision();
		Object tree = norm(c.get("/"));
		assertThatThrownBy(() -> c.history(-1, 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
		assertThatThrownBy(() -> c.history(0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
		assertThatThrownBy(() -> c.history(0, 10_001)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("10001");
		assertThatThrownBy(() -> c.watch("/**", revision + 1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(String.valueOf(revision + 1))
			.hasMessageContaining(String.valueOf(revision));
		assertThatThrownBy(() -> c.watch("/**", -1)).isInstanceOf(IllegalArgumentException.class);
		// the message names the path and the reason, never the value (backends word the reason their way)
		assertThatThrownBy(() -> c.increment("/s", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/s")
			.hasMessageContaining("integer")
			.hasMessageNotContaining("\"x\"");
		assertThatThrownBy(() -> c.increment("/d", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/d")
			.hasMessageNotContaining("1.5");
		assertThatThrownBy(() -> c.increment("/br", 1)).isInstanceOf(StateWriteException.class).hasMessageContaining("/br");
		assertThatThrownBy(() -> c.increment("/bool", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/bool");
		assertThatThrownBy(() -> c.increment("/list", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/list");
		assertThatThrownBy(() -> c.increment("/max", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/max")
			.hasMessageNotContaining(String.valueOf(Long.MAX_VALUE));
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/leaf/below"), 0, 2)))
			.isInstanceOf(StateWriteException.class);
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.ROOT, 0, 2))).isInstanceOf(StateWriteException.class);
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/nan"), 0, Double.NaN)))
			.isInstanceOf(StateValueException.class);
		assertThatThrownBy(() -> c.increment("/leaf/below", 1)).isInstanceOf(StateWriteException.class);
		assertThat(c.revision()).isEqualTo(revision);
		assertThat(norm(c.get("/"))).isEqualTo(tree);
	}

}
