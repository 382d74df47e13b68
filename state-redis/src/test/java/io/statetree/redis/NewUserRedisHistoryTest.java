package io.statetree.redis;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateSnapshot;
import io.statetree.core.Versioned;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new user's tries at issue 13 on Redis with two or three controllers sharing one namespace,
 * from the README and the public Javadoc only.
 */
@ExtendWith(RedisTestServer.class)
class NewUserRedisHistoryTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private RedisTestServer redis;

	private String namespace;

	private final List<StateController> controllers = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.redis = redis;
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		this.controllers.forEach(StateController::close);
	}

	private StateController controller(String id) {
		return controller(id, StateController.Dispatch.SYNC, RedisBackend.DEFAULT_FEED_RETENTION);
	}

	private StateController controller(String id, StateController.Dispatch dispatch, long retention) {
		StateController controller = StateController.builder()
			.backend(RedisBackend.builder(this.redis.newConnectionFactory())
				.namespace(this.namespace)
				.feedRetention(retention)
				.build())
			.instanceId(id)
			.dispatch(dispatch)
			.build();
		this.controllers.add(controller);
		return controller;
	}

	static final class Collector implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		final AtomicReference<Throwable> error = new AtomicReference<>();

		volatile boolean completed;

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent event) {
			this.events.add(event);
		}

		@Override
		public void onError(Throwable throwable) {
			this.error.set(throwable);
		}

		@Override
		public void onComplete() {
			this.completed = true;
		}

		List<Long> revisions() {
			return this.events.stream().map(StateEvent::revision).toList();
		}

	}

	private static void writeConcurrently(List<Runnable> writers) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(writers.size());
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (Runnable writer : writers) {
				futures.add(pool.submit(writer));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	// (1) watch from a versioned read on A while B and C write: every revision once, in order

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void watchOnAWhileBAndCWriteSeesEveryRevisionOnceInOrder(StateController.Dispatch dispatch) throws Exception {
		StateController a = controller("a", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController b = controller("b", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController c = controller("c", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		b.set("/items/b", 0);
		c.set("/items/c", 0);
		int each = 600;
		Collector collector = new Collector();
		AtomicReference<Long> from = new AtomicReference<>();
		// under load both writers could finish before A subscribed: then nothing came after the
		// revision read and the wait below for the last one could only time out; each writer
		// makes its second half of the writes after the subscription
		AtomicBoolean subscribed = new AtomicBoolean();
		writeConcurrently(List.of(() -> {
			for (int i = 1; i <= each; i++) {
				if (i == each / 2) {
					Awaitility.await().atMost(WAIT).untilTrue(subscribed);
				}
				b.set("/items/b", i);
			}
		}, () -> {
			for (int i = 1; i <= each; i++) {
				if (i == each / 2) {
					Awaitility.await().atMost(WAIT).untilTrue(subscribed);
				}
				c.set("/items/c", i);
			}
		}, () -> {
			Awaitility.await().atMost(WAIT).until(() -> a.get("/items/b", Integer.class, 0) > 50);
			Versioned<Object> v = a.getVersioned("/items");
			from.set(v.revision());
			a.watch("/items/*", v.revision()).subscribe(collector);
			subscribed.set(true);
		}));
		long last = Math.max(b.getVersioned("/items/b").revision(), c.getVersioned("/items/c").revision());
		assertThat(last).as("revisions after the watch's").isGreaterThanOrEqualTo(from.get() + each);
		awaitRevision(collector, last, a);
		assertThat(collector.error.get()).isNull();
		assertThat(collector.events).noneMatch(StateEvent::isResync);
		List<Long> expected = new ArrayList<>();
		for (long r = from.get() + 1; r <= last; r++) {
			expected.add(r);
		}
		assertThat(collector.revisions()).containsExactlyElementsOf(expected);
		// origins are the writers
		assertThat(collector.events).allMatch((e) -> e.origin().equals("b") || e.origin().equals("c"));
	}

	/**
	 * Waits until the collector heard the revision; fails at once when it got onError, and on
	 * timeout says what it heard and where A's feed is.
	 */
	private static void awaitRevision(Collector collector, long revision, StateController a) {
		try {
			Awaitility.await()
				.atMost(WAIT)
				.failFast("the subscriber got onError", () -> assertThat(collector.error.get()).isNull())
				.until(() -> collector.revisions().contains(revision));
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			List<Long> heard = collector.revisions();
			throw new AssertionError("revision " + revision + " not heard: " + heard.size() + " events, last "
					+ heard.subList(Math.max(0, heard.size() - 5), heard.size()) + ", A's revision " + a.revision()
					+ ", completed " + collector.completed, ex);
		}
	}

	// (1) watch from a revision B just made, on A, before A's feed heard it

	@Test
	void watchOnAFromARevisionBJustMadeIsNotRefusedAsAhead() {
		StateController a = controller("a");
		StateController b = controller("b");
		for (int round = 0; round < 200; round++) {
			b.set("/x", round);
			long revision = b.getVersioned("/x").revision();
			// README: "A revision ahead of the current one ... throws"; the namespace revision is
			// the current one on Redis (getVersioned on A gives it), so B's revision is not ahead
			assertThat(a.getVersioned("/x").revision()).isGreaterThanOrEqualTo(revision);
			Collector collector = new Collector();
			a.watch("/x", revision).subscribe(collector);
		}
	}

	// (1) getVersioned on A right after B's write

	@Test
	void getVersionedOnARightAfterBsWriteReflectsIt() {
		StateController a = controller("a");
		StateController b = controller("b");
		for (int i = 0; i < 300; i++) {
			b.set("/v", i);
			long bRevision = b.getVersioned("/v").revision();
			Versioned<Integer> onA = a.getVersioned("/v", Integer.class);
			assertThat(onA.value()).isEqualTo(i);
			assertThat(onA.revision()).isEqualTo(bRevision);
		}
	}

	@Test
	void revisionOnAAfterBsWrite() {
		StateController a = controller("a");
		StateController b = controller("b");
		b.set("/v", 1);
		long bRevision = b.getVersioned("/v").revision();
		// StateController.revision() on A: not documented whether it is the namespace's or the
		// heard one; record what it is eventually
		Awaitility.await().atMost(WAIT).until(() -> a.revision() >= bRevision);
	}

	// (1) history paging from A of commits made by B, with actor and causedBy

	@Test
	void historyPagedOnAOfBsCommitsCarriesActorAndCausedBy() {
		StateController a = controller("a");
		StateController b = controller("b");
		b.subscribe("/orders/{id}", (event) -> {
			if (!event.isResync() && event.origin().equals("b")) {
				event.controller().set("/audit/" + event.pathVariables().get("id"), event.revision());
			}
		});
		for (int i = 0; i < 25; i++) {
			b.set("/orders/" + i, "o" + i, WriteOptions.actor("ann"));
		}
		long last = b.getVersioned("/").revision();
		List<Commit> all = new ArrayList<>();
		long after = 0;
		while (true) {
			List<Commit> page = a.history(after, 7);
			if (page.isEmpty()) {
				break;
			}
			assertThat(page.size()).isLessThanOrEqualTo(7);
			all.addAll(page);
			after = page.get(page.size() - 1).revision();
		}
		assertThat(all).extracting(Commit::revision).isSorted().doesNotHaveDuplicates();
		assertThat(all.get(all.size() - 1).revision()).isEqualTo(last);
		assertThat(all).hasSize(50);
		assertThat(all).extracting(Commit::origin).containsOnly("b");
		Map<String, Long> orderRevision = new LinkedHashMap<>();
		for (Commit commit : all) {
			String path = commit.changes().get(0).path().toString();
			if (path.startsWith("/orders/")) {
				assertThat(commit.actor()).isEqualTo("ann");
				assertThat(commit.causedBy()).isZero();
				orderRevision.put(path.substring("/orders/".length()), commit.revision());
			}
		}
		for (Commit commit : all) {
			String path = commit.changes().get(0).path().toString();
			if (path.startsWith("/audit/")) {
				assertThat(commit.causedBy()).isEqualTo(orderRevision.get(path.substring("/audit/".length())));
			}
		}
	}

	// (1) increment from three controllers

	@Test
	void incrementFromThreeControllersIsExact() throws Exception {
		StateController a = controller("a");
		StateController b = controller("b");
		StateController c = controller("c");
		List<Runnable> writers = new ArrayList<>();
		for (StateController controller : List.of(a, b, c)) {
			for (int t = 0; t < 2; t++) {
				writers.add(() -> {
					for (int i = 0; i < 700; i++) {
						controller.increment("/n", 1);
					}
				});
			}
		}
		writeConcurrently(writers);
		assertThat(a.get("/n")).isEqualTo(4_200);
		assertThat(b.getVersioned("/n").value()).isEqualTo(4_200);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(c.get("/n")).isEqualTo(4_200));
		// the history holds every increment, each one more than the last
		List<Commit> history = new ArrayList<>();
		long after = 0;
		List<Commit> page;
		while (!(page = a.history(after, 1000)).isEmpty()) {
			history.addAll(page);
			after = page.get(page.size() - 1).revision();
		}
		assertThat(history).hasSize(4_200);
		for (int i = 0; i < history.size(); i++) {
			ChangedPath change = history.get(i).changes().get(0);
			assertThat(change.newValue()).isEqualTo(i + 1);
			assertThat(change.oldValue()).isEqualTo(i == 0 ? null : i);
		}
	}

	// (1) snapshot on A restored on B, exact decimals through JSON text

	@Test
	void snapshotTakenOnARestoredOnBThroughJsonWithExactNumbers() throws Exception {
		StateController a = controller("a");
		StateController b = controller("b");
		BigInteger huge = new BigInteger("123456789012345678901234567890");
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("price", new BigDecimal("1.10"));
		config.put("huge", huge);
		config.put("small", 7);
		config.put("list", List.of(new BigDecimal("0.000000000000000000001"), "x"));
		a.set("/config", config);
		StateSnapshot snapshot = a.snapshot("/config");
		JsonMapper mapper = JsonMapper.builder().build();
		String json = mapper.writeValueAsString(snapshot);
		a.delete("/config");
		assertThat(b.getVersioned("/config").value()).isNull();
		StateSnapshot read = mapper.readValue(json, StateSnapshot.class);
		long revision = b.restore(read);
		assertThat(revision).isPositive();
		Versioned<Object> onA = a.getVersioned("/config");
		assertThat(onA.revision()).isGreaterThanOrEqualTo(revision);
		@SuppressWarnings("unchecked")
		Map<String, Object> restored = (Map<String, Object>) onA.value();
		assertThat(restored.get("price")).isEqualTo(new BigDecimal("1.10"));
		assertThat(restored.get("huge")).isEqualTo(huge);
		assertThat(restored.get("small")).isEqualTo(7);
		assertThat(restored.get("list")).isEqualTo(List.of(new BigDecimal("0.000000000000000000001"), "x"));
	}

	@Test
	void restoringWhatTheTreeAlreadyHoldsReturnsTheCurrentRevision() {
		StateController a = controller("a");
		StateController b = controller("b");
		a.set("/config", Map.of("x", 1));
		StateSnapshot snapshot = a.snapshot("/config");
		long before = b.getVersioned("/").revision();
		long returned = b.restore(snapshot);
		long after = b.getVersioned("/").revision();
		long afterOnA = a.getVersioned("/").revision();
		StateController memory = StateController.create();
		memory.set("/config", Map.of("x", 1));
		long memBefore = memory.revision();
		long memReturned = memory.restore(memory.snapshot("/config"));
		long memAfter = memory.revision();
		memory.close();
		assertThat(List.of(memBefore, memReturned, memAfter)).as("memory").containsExactly(1L, 1L, 1L);
		// README: "or the current revision when the tree already held that value"
		assertThat(List.of(before, returned, after, afterOnA)).as("redis: before, returned, after, after on A")
			.containsExactly(before, after, after, after);
	}

	@Test
	void aDecimalRewrittenWithAnotherScaleOnRedisAgreesWithMemory() {
		StateController b = controller("b");
		StateController memory = StateController.create();
		for (StateController c : List.of(memory, b)) {
			c.set("/p", new BigDecimal("1.10"));
		}
		boolean memChanged = memory.set("/p", new BigDecimal("1.1"));
		boolean redisChanged = b.set("/p", new BigDecimal("1.1"));
		Object memValue = memory.get("/p");
		Object redisValue = b.get("/p");
		StateController other = controller("other");
		assertThat(other.get("/p")).as("a new instance reads what Redis holds").isEqualTo(redisValue);
		assertThat(b.history(0, 100).get(0).changes().get(0).newValue()).as("the history's last value of /p")
			.isEqualTo(new BigDecimal("1.10"));
		int memHistory = memory.history(0, 100).size();
		int redisHistory = b.history(0, 100).size();
		memory.close();
		assertThat(List.of(redisChanged, redisValue, redisHistory)).as("redis changed, value, history size")
			.isEqualTo(List.of(memChanged, memValue, memHistory));
	}

	// (1) exact decimals through history and replay across instances

	@Test
	void exactDecimalsComeBackThroughHistoryAndReplayOnAnotherInstance() {
		StateController a = controller("a");
		StateController b = controller("b");
		long start = a.getVersioned("/").revision();
		BigInteger huge = new BigInteger("98765432109876543210987654321");
		b.set("/m/price", new BigDecimal("1.10"));
		b.set("/m/price", new BigDecimal("1.20"));
		b.set("/m/huge", huge);
		b.set("/m/huge", huge.add(BigInteger.ONE));
		b.set("/m/long", Long.MAX_VALUE);
		List<Commit> history = a.history(start, 100);
		assertThat(history).hasSize(5);
		assertThat(history.get(0).changes().get(0).newValue()).isEqualTo(new BigDecimal("1.10"));
		assertThat(history.get(1).changes().get(0).oldValue()).isEqualTo(new BigDecimal("1.10"));
		assertThat(history.get(1).changes().get(0).newValue()).isEqualTo(new BigDecimal("1.20"));
		assertThat(history.get(2).changes().get(0).newValue()).isEqualTo(huge);
		assertThat(history.get(3).changes().get(0).oldValue()).isEqualTo(huge);
		assertThat(history.get(3).changes().get(0).newValue()).isEqualTo(huge.add(BigInteger.ONE));
		assertThat(history.get(4).changes().get(0).newValue()).isEqualTo(Long.MAX_VALUE);
		Collector collector = new Collector();
		a.watch("/m/*", start).subscribe(collector);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.events).hasSize(5));
	}

	@Test
	void replayedEventsCarryExactValues() {
		StateController a = controller("a");
		StateController b = controller("b");
		long start = a.getVersioned("/").revision();
		BigInteger huge = new BigInteger("98765432109876543210987654321");
		b.set("/m/price", new BigDecimal("1.10"));
		b.set("/m/huge", huge);
		Collector collector = new Collector();
		a.watch("/m/*", start).subscribe(collector);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.events).hasSize(2));
		assertThat(collector.events.get(0).newValue(Object.class)).isEqualTo(new BigDecimal("1.10"));
		assertThat(collector.events.get(1).newValue(Object.class)).isEqualTo(huge);
		assertThat(collector.events.get(1).prevValue(Object.class)).isNull();
	}

	// (1) a controller created after others wrote

	@Test
	void aControllerCreatedLaterReadsTheWholeHistoryFromZero() {
		StateController a = controller("a");
		StateController b = controller("b");
		for (int i = 0; i < 30; i++) {
			(i % 2 == 0 ? a : b).set("/late/k" + (i % 5), i);
		}
		StateController late = controller("late");
		List<Commit> history = late.history(0, 10_000);
		assertThat(history).hasSize(30);
		assertThat(history).extracting(Commit::revision).isSorted();
		assertThat(late.getVersioned("/late").revision()).isEqualTo(history.get(29).revision());
		Collector collector = new Collector();
		late.watch("/late/*", 0).subscribe(collector);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.events).hasSize(30));
		assertThat(collector.events).noneMatch(StateEvent::isResync);
		assertThat(collector.revisions()).containsExactlyElementsOf(history.stream().map(Commit::revision).toList());
		// and then live, written by another instance
		a.set("/late/k0", "live");
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.events).hasSize(31));
		assertThat(collector.events.get(30).origin()).isEqualTo("a");
	}

	// (1) small feed retention and a watch from before it: one resync

	@Test
	void aWatchFromBeforeTheRetainedStreamStartsWithOneResyncAtThePrefix() {
		StateController a = controller("a", StateController.Dispatch.SYNC, 10);
		StateController b = controller("b", StateController.Dispatch.SYNC, 10);
		b.set("/users/u0/role", "x");
		long early = a.getVersioned("/users").revision();
		for (int i = 0; i < 2_000; i++) {
			b.set("/users/u" + (i % 7) + "/role", "r" + i);
		}
		// trimmed approximately, but 2,000 entries with a retention of 10 cannot all be kept
		List<Commit> retained = a.history(0, 10_000);
		assertThat(retained.size()).isLessThan(2_000);
		assertThat(retained.get(0).revision()).isGreaterThan(early + 1);
		Collector collector = new Collector();
		a.watch("/users/{id}/role", early).subscribe(collector);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.events).isNotEmpty());
		StateEvent first = collector.events.get(0);
		assertThat(first.isResync()).isTrue();
		assertThat(first.path().toString()).isEqualTo("/users");
		@SuppressWarnings("unchecked")
		Map<String, Object> now = (Map<String, Object>) first.newValue(Object.class);
		assertThat(now).hasSize(7);
		b.set("/users/u1/role", "after");
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.events).hasSizeGreaterThanOrEqualTo(2));
		assertThat(collector.events.stream().filter(StateEvent::isResync)).hasSize(1);
		StateEvent live = collector.events.get(collector.events.size() - 1);
		assertThat(live.path().toString()).isEqualTo("/users/u1/role");
		assertThat(live.revision()).isGreaterThan(first.revision());
	}

	// a restore on B of a subtree is heard on A as one write, with B as the origin

	@Test
	void aRestoreOnBIsHeardOnAAndInItsHistory() {
		StateController a = controller("a");
		StateController b = controller("b");
		a.set("/cfg", Map.of("a", 1, "b", 2));
		StateSnapshot snapshot = a.snapshot("/cfg");
		a.set("/cfg/a", 5);
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		a.subscribe("/cfg/**", heard::add);
		long revision = b.restore(snapshot);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(heard).isNotEmpty());
		assertThat(heard).allMatch((e) -> e.revision() == revision && e.origin().equals("b"));
		List<Commit> last = a.history(revision - 1, 10);
		assertThat(last).hasSize(1);
		assertThat(last.get(0).origin()).isEqualTo("b");
		assertThat(a.get("/cfg/a")).isEqualTo(1);
	}

	// a subscriber without demand while the stream is trimmed past it: one resync, then live, in order

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aSubscriberWithoutDemandWhileTheStreamIsTrimmedGetsOneResyncThenLive(StateController.Dispatch dispatch) {
		StateController a = controller("a", dispatch, 10);
		StateController b = controller("b", dispatch, 10);
		b.set("/s/v", -1);
		long from = a.getVersioned("/s").revision();
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		AtomicReference<Flow.Subscription> handle = new AtomicReference<>();
		AtomicReference<Throwable> error = new AtomicReference<>();
		a.watch("/s/*", from).subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				handle.set(subscription);
			}

			@Override
			public void onNext(StateEvent item) {
				events.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
				error.set(throwable);
			}

			@Override
			public void onComplete() {
			}

		});
		for (int i = 0; i < 3_000; i++) {
			b.set("/s/v", i);
		}
		long last = b.getVersioned("/s/v").revision();
		handle.get().request(Long.MAX_VALUE);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(events).isNotEmpty());
		b.set("/s/v", "live");
		long live = b.getVersioned("/s/v").revision();
		Awaitility.await().atMost(WAIT)
			.untilAsserted(() -> assertThat(events.stream().map(StateEvent::revision)).contains(live));
		assertThat(error.get()).isNull();
		assertThat(events.get(0).isResync()).isTrue();
		assertThat(events.stream().filter(StateEvent::isResync)).as(describe(events).toString()).hasSize(1);
		List<Long> revisions = events.stream().map(StateEvent::revision).toList();
		assertThat(revisions).isSorted().doesNotHaveDuplicates();
		@SuppressWarnings("unchecked")
		Map<String, Object> resynced = (Map<String, Object>) events.get(0).newValue(Object.class);
		// the resync value reflects its revision: every later event is a later commit
		assertThat(events.get(0).revision()).isGreaterThanOrEqualTo(from);
		if (events.get(0).revision() >= last) {
			assertThat(resynced.get("v")).isEqualTo(2_999);
		}
	}

	@Test
	void aSnapshotOnARightAfterBsWriteReflectsIt() {
		StateController a = controller("a");
		StateController b = controller("b");
		for (int i = 0; i < 100; i++) {
			b.set("/snap/v", i);
			long revision = b.getVersioned("/snap").revision();
			StateSnapshot snapshot = a.snapshot("/snap");
			assertThat(snapshot.value()).isEqualTo(Map.of("v", i));
			assertThat(snapshot.revision()).isEqualTo(revision);
		}
	}

	@Test
	void anInstanceWithASmallerRetentionTrimsTheHistoryOfTheOthers() {
		StateController a = controller("a", StateController.Dispatch.SYNC, 10_000);
		StateController b = controller("b", StateController.Dispatch.SYNC, 10);
		for (int i = 0; i < 500; i++) {
			a.set("/r", i);
		}
		for (int i = 0; i < 500; i++) {
			b.set("/r", -i - 1);
		}
		// documents what happens: the namespace has one stream, trimmed by whichever instance writes
		int kept = a.history(0, 10_000).size();
		System.out.println("NewUserRedisHistoryTest: a (retention 10,000) keeps " + kept + " of 1,000 after b (retention 10) wrote");
		assertThat(kept).isLessThan(1_000);
	}

	// the watching instance writes too: its own commits and the others' in one revision order

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void watchOnAWhileAAndBAndCAllWriteIsInRevisionOrderWithoutGaps(StateController.Dispatch dispatch) throws Exception {
		StateController a = controller("a", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController b = controller("b", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController c = controller("c", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		a.set("/items/a", 0);
		long from = a.getVersioned("/items").revision();
		Collector collector = new Collector();
		a.watch("/items/*", from).subscribe(collector);
		int each = 500;
		List<Runnable> writers = new ArrayList<>();
		for (StateController controller : List.of(a, b, c)) {
			writers.add(() -> {
				for (int i = 1; i <= each; i++) {
					controller.set("/items/" + controller.instanceId(), i);
				}
			});
		}
		writeConcurrently(writers);
		long last = a.getVersioned("/").revision();
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.revisions()).contains(last));
		assertThat(collector.error.get()).isNull();
		List<Long> expected = new ArrayList<>();
		for (long r = from + 1; r <= last; r++) {
			expected.add(r);
		}
		assertThat(collector.revisions()).containsExactlyElementsOf(expected);
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aPlainListenerOnAHearsOwnAndOthersCommitsInRevisionOrder(StateController.Dispatch dispatch) throws Exception {
		StateController a = controller("a", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController b = controller("b", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		List<Long> heard = new CopyOnWriteArrayList<>();
		a.subscribe("/p/*", (event) -> heard.add(event.revision()));
		int each = 500;
		List<Runnable> writers = new ArrayList<>();
		for (StateController controller : List.of(a, b)) {
			writers.add(() -> {
				for (int i = 1; i <= each; i++) {
					controller.set("/p/" + controller.instanceId(), i);
				}
			});
		}
		writeConcurrently(writers);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(heard).hasSize(2 * each));
		List<Long> sorted = new ArrayList<>(heard);
		java.util.Collections.sort(sorted);
		int outOfOrder = 0;
		for (int i = 1; i < heard.size(); i++) {
			if (heard.get(i) < heard.get(i - 1)) {
				outOfOrder++;
			}
		}
		System.out.println("NewUserRedisHistoryTest: listener on a (" + dispatch + ") heard " + outOfOrder + " events out of revision order");
		assertThat(heard).doesNotHaveDuplicates().isSorted();
	}

	// a replay on A of B's subtree writes gives the events a live subscription on A heard

	@Test
	void aReplayOfAnotherInstancesSubtreeWritesEqualsWhatALiveWatchHeard() {
		StateController a = controller("a");
		StateController b = controller("b");
		// a plain watch hears another instance's commit when A's feed delivers it, even a commit
		// made before it subscribed: the live watch below subscribes only once A heard B's first write
		Collector heard = new Collector();
		a.watch("/users/**").subscribe(heard);
		b.set("/users", Map.of("u1", Map.of("role", "admin", "name", "x")));
		long first = b.getVersioned("/").revision();
		awaitRevision(heard, first, a);
		long from = a.getVersioned("/").revision();
		Collector live = new Collector();
		a.watch("/users/{id}/role").subscribe(live);
		b.set("/users", Map.of("u1", Map.of("role", "user"), "u2", Map.of("role", "admin")));
		b.set("/users/u2/name", "only the name");
		b.delete("/users/u1");
		b.batch(() -> {
			b.set("/users/u3", Map.of("role", "guest"));
			b.set("/users/u2/role", "user");
		});
		b.set("/users/u3/role", Map.of("deep", 1));
		b.set("/users/u3/role/deep", 2);
		b.set("/users", Map.of());
		b.set("/users/u4/role", new BigDecimal("1.10"));
		long last = b.getVersioned("/").revision();
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(live.revisions()).contains(last));
		Collector replay = new Collector();
		a.watch("/users/{id}/role", from).subscribe(replay);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(replay.revisions()).contains(last));
		assertThat(describe(replay.events)).isEqualTo(describe(live.events));
	}

	private static List<String> describe(List<StateEvent> events) {
		return events.stream()
			.map((e) -> e.revision() + " " + e.path() + " " + e.pathVariables() + " " + e.prevValue(Object.class) + " -> "
					+ e.newValue(Object.class) + " " + e.origin() + " " + e.isResync())
			.toList();
	}

	@Test
	void aRootSnapshotRestoredOnAnotherInstanceGivesTheSameTree() {
		StateController a = controller("a");
		StateController b = controller("b");
		a.set("/x", Map.of("n", 1, "d", new BigDecimal("2.50")));
		a.increment("/counter", 41);
		StateSnapshot root = a.snapshot("/");
		b.set("/y", "later");
		b.increment("/counter", 1);
		b.delete("/x/n");
		long revision = b.restore(root);
		assertThat(a.getVersioned("/").revision()).isEqualTo(revision);
		assertThat(a.get("/")).isEqualTo(root.value());
		assertThat(a.increment("/counter", 1)).isEqualTo(42);
		// an absent path's snapshot deletes
		StateSnapshot absent = a.snapshot("/nothing/here");
		assertThat(absent.value()).isNull();
		b.set("/nothing/here", 5);
		a.restore(absent);
		assertThat(b.getVersioned("/nothing/here").value()).isNull();
	}

	@Test
	void incrementOnValuesAnotherInstanceWroteIsRefusedAndWritesNothing() {
		StateController a = controller("a");
		StateController b = controller("b");
		b.set("/big", new BigInteger("9223372036854775808"));
		b.set("/dec", new BigDecimal("5"));
		b.set("/dec0", new BigDecimal("5.0"));
		b.set("/neg", Long.MIN_VALUE);
		long before = a.getVersioned("/").revision();
		for (String path : List.of("/big", "/dec", "/dec0")) {
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.increment(path, 1))
				.as(path)
				.isInstanceOf(io.statetree.core.StateWriteException.class)
				.hasMessageContaining(path);
		}
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.increment("/neg", -1))
			.isInstanceOf(io.statetree.core.StateWriteException.class);
		assertThat(a.getVersioned("/").revision()).isEqualTo(before);
		assertThat(a.increment("/neg", 1)).isEqualTo(Long.MIN_VALUE + 1);
		assertThat(b.getVersioned("/big").value()).isEqualTo(new BigInteger("9223372036854775808"));
	}

	@Test
	void twoControllersGivenTheSameInstanceIdStillHearEachOther() {
		StateController one = controller("same");
		StateController two = controller("same");
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		two.subscribe("/dup/**", heard::add);
		Collector watch = new Collector();
		two.watch("/dup/*", two.getVersioned("/").revision()).subscribe(watch);
		one.set("/dup/x", 1);
		long revision = one.getVersioned("/dup/x").revision();
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(heard).extracting(StateEvent::revision).contains(revision);
			assertThat(watch.revisions()).contains(revision);
		});
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aListenerOnAReactingToBsCommitIsCausedByItEverywhere(StateController.Dispatch dispatch) {
		StateController a = controller("a", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController b = controller("b", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		StateController c = controller("c", dispatch, RedisBackend.DEFAULT_FEED_RETENTION);
		a.subscribe("/orders/{id}", (event) -> {
			if (!event.isResync() && event.origin().equals("b")) {
				a.set("/seen/" + event.pathVariables().get("id"), event.revision(), WriteOptions.actor(event.actor()));
			}
		});
		List<StateEvent> onC = new CopyOnWriteArrayList<>();
		c.subscribe("/seen/*", onC::add);
		b.batch(() -> {
			b.set("/orders/1", "x", WriteOptions.actor("bob"));
			b.set("/orders/2", "y", WriteOptions.actor("eve"));
		});
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(onC).hasSize(2));
		// getVersioned gives the namespace's revision, so take the batch's from the history
		long order = c.history(0, 10).stream()
			.filter((commit) -> commit.changes().get(0).path().toString().startsWith("/orders"))
			.findFirst()
			.orElseThrow()
			.revision();
		assertThat(onC).allMatch((e) -> e.causedBy() == order && "bob".equals(e.actor()) && e.origin().equals("a"));
		List<Commit> history = c.history(order - 1, 10);
		assertThat(history.get(0).actor()).isEqualTo("bob");
		assertThat(history.get(0).changes()).hasSize(2);
		assertThat(history.subList(1, 3)).allMatch((commit) -> commit.causedBy() == order);
	}

	@Test
	void oddNumbersReadTheSameFromAnotherInstanceItsHistoryAndMemory() {
		StateController a = controller("a");
		StateController b = controller("b");
		List<Object> values = List.of(new BigDecimal("1E+3"), new BigDecimal("-0.0"), new BigDecimal("1E-400"),
				new BigDecimal("123456789.123456789123456789"), new BigInteger("-99999999999999999999"), Long.MIN_VALUE,
				Integer.MAX_VALUE, 0.1d, 1.0e300, -0.0d, 3.5f, new BigDecimal("0.10"), (short) 7, (byte) -3);
		List<String> mismatches = new ArrayList<>();
		try (StateController memory = StateController.create()) {
			for (int i = 0; i < values.size(); i++) {
				String path = "/num/v" + i;
				Object value = values.get(i);
				b.set(path, value);
				memory.set(path, value);
				Object expected = memory.get(path);
				Object onA = a.get(path);
				Object onB = b.get(path);
				Object memHistory = memory.history(memory.revision() - 1, 1).get(0).changes().get(0).newValue();
				Object redisHistory = a.history(b.getVersioned(path).revision() - 1, 1).get(0).changes().get(0).newValue();
				String line = value.getClass().getSimpleName() + " " + value + ": memory " + describe(expected) + ", a "
						+ describe(onA) + ", b " + describe(onB) + ", memory history " + describe(memHistory)
						+ ", redis history " + describe(redisHistory);
				if (!(java.util.Objects.equals(expected, onA) && java.util.Objects.equals(expected, onB)
						&& java.util.Objects.equals(memHistory, redisHistory))) {
					mismatches.add(line);
				}
			}
		}
		assertThat(mismatches).isEmpty();
	}

	private static String describe(Object value) {
		return (value == null) ? "null" : value.getClass().getSimpleName() + " " + value;
	}

	/** A watch following live while the instance's feed falls behind a trimmed stream. */
	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aWatchFollowingLiveWhileTheFeedFallsBehindStaysInRevisionOrder(StateController.Dispatch dispatch) {
		int bad = 0;
		StringBuilder seen = new StringBuilder();
		for (int round = 0; round < 3; round++) {
			this.namespace = this.redis.newNamespace();
			StateController a = controller("a" + round, dispatch, 10);
			StateController b = controller("b" + round, dispatch, 10);
			b.set("/s/v", -1);
			// every time the feed loses track a plain listener hears one resync: the gaps
			java.util.concurrent.atomic.AtomicInteger gaps = new java.util.concurrent.atomic.AtomicInteger();
			a.subscribe("/s/*", (event) -> {
				if (event.isResync()) {
					gaps.incrementAndGet();
				}
			});
			Collector collector = new Collector();
			a.watch("/s/*", a.getVersioned("/s").revision()).subscribe(collector);
			for (int i = 0; i < 3_000; i++) {
				b.set("/s/v", i);
			}
			b.set("/s/v", "live");
			long live = b.getVersioned("/s/v").revision();
			Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(collector.revisions()).contains(live));
			List<Long> revisions = collector.revisions();
			long resyncs = collector.events.stream().filter(StateEvent::isResync).count();
			boolean sorted = true;
			for (int i = 1; i < revisions.size(); i++) {
				sorted &= revisions.get(i) > revisions.get(i - 1);
			}
			// a watch's own resync: at the pattern's prefix, with the value there at its revision
			boolean ownKind = collector.events.stream().filter(StateEvent::isResync)
				.allMatch((e) -> e.path().toString().equals("/s") && e.newValue() != null);
			// at most one per gap (the watch makes none when the history still holds the lost commits)
			if (resyncs > Math.max(1, gaps.get()) || !sorted || !ownKind) {
				bad++;
				seen.append(describe(collector.events.stream().filter(StateEvent::isResync).toList())).append('\n');
				for (int i = 0; i < collector.events.size(); i++) {
					if (collector.events.get(i).isResync()) {
						seen.append("  around: ").append(revisions.subList(Math.max(0, i - 3), Math.min(revisions.size(), i + 4))).append('\n');
					}
				}
			}
		}
		System.out.println("NewUserRedisHistoryTest: " + dispatch + " watch rounds with >1 resync or out of order: " + bad + "/3\n" + seen);
		assertThat(bad).as(seen.toString()).isZero();
	}

}
