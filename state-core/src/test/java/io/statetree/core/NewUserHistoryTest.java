package io.statetree.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.statetree.core.backend.FileSystemBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A new user's attempts to break issue 13 (history, replay, snapshots, actors, counters), using
 * only what README.md and the public Javadoc promise.
 */
class NewUserHistoryTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final List<AutoCloseable> toClose = new ArrayList<>();

	@TempDir
	Path dir;

	@AfterEach
	void closeAll() throws Exception {
		for (int i = this.toClose.size() - 1; i >= 0; i--) {
			this.toClose.get(i).close();
		}
	}

	private StateController memory(StateController.Dispatch dispatch) {
		StateController c = StateController.builder().dispatch(dispatch).historySize(10_000).build();
		this.toClose.add(c);
		return c;
	}

	private StateController memory() {
		return memory(StateController.Dispatch.SYNC);
	}

	private StateController files(Path d, int historySize) {
		StateController c = StateController.builder()
			.backend(FileSystemBackend.builder(d).historySize(historySize).build())
			.build();
		this.toClose.add(c);
		return c;
	}

	/** A subscriber that records everything and requests a configurable amount. */
	static class Collector implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		final AtomicReference<Throwable> error = new AtomicReference<>();

		volatile boolean completed;

		volatile Flow.Subscription subscription;

		final long initial;

		Collector(long initial) {
			this.initial = initial;
		}

		@Override
		public void onSubscribe(Flow.Subscription s) {
			this.subscription = s;
			if (this.initial > 0) {
				s.request(this.initial);
			}
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable t) {
			this.error.set(t);
		}

		@Override
		public void onComplete() {
			this.completed = true;
		}

		List<Long> revisions() {
			return this.events.stream().map(StateEvent::revision).toList();
		}

	}

	private static String describe(StateEvent e) {
		return e.revision() + " " + e.path() + " " + e.emittingPath() + " " + e.prevValue() + "->" + e.newValue()
				+ (e.isResync() ? " RESYNC" : "");
	}

	// ------------------------------------------------------------------ seam

	@org.junit.jupiter.api.RepeatedTest(4)
	void seamRepeatedAsync() throws Exception {
		seamUnderConcurrentWriterSeesEveryLaterRevisionOnce(StateController.Dispatch.ASYNC);
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void seamUnderConcurrentWriterSeesEveryLaterRevisionOnce(StateController.Dispatch dispatch) throws Exception {
		StateController c = memory(dispatch);
		for (int i = 0; i < 50; i++) {
			c.set("/users/u" + (i % 5) + "/n", i);
		}
		Thread writer = new Thread(() -> {
			for (int i = 0; i < 2000; i++) {
				c.set("/users/u" + (i % 7) + "/n", 1000 + i);
				if (i % 100 == 0) {
					java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
				}
				if (i % 3 == 0) {
					c.set("/other/x", i);
				}
			}
		});
		writer.start();
		while (c.getVersioned("/").revision() < 150) {
			Thread.onSpinWait();
		}
		Versioned<Object> v = c.getVersioned("/users");
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/users/**", v.revision()).subscribe(col);
		writer.join();
		long last = c.getVersioned("/").revision();
		List<Long> expected = c.history(0, 10_000)
			.stream()
			.filter((cm) -> cm.revision() > v.revision())
			.filter((cm) -> cm.changes().stream().anyMatch((p) -> p.path().toString().startsWith("/users")))
			.map(Commit::revision)
			.toList();
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline && !(!col.events.isEmpty()
				&& col.events.get(col.events.size() - 1).revision() == expected.get(expected.size() - 1))) {
			Thread.sleep(20);
		}
		Thread.sleep(100);
		if (!col.revisions().equals(expected)) {
			List<Long> missing = new ArrayList<>(expected);
			missing.removeAll(col.revisions());
			List<Long> extra = new ArrayList<>(col.revisions());
			extra.removeAll(expected);
			System.out.println("SEAM " + dispatch + " after=" + v.revision() + " got=" + col.events.size() + " expected="
					+ expected.size() + " missing=" + missing + " extra=" + extra + " error=" + col.error.get()
					+ " first=" + col.revisions().subList(0, Math.min(5, col.events.size())));
		}
		assertThat(col.error.get()).isNull();
		assertThat(col.events).noneMatch(StateEvent::isResync);
		assertThat(col.revisions()).containsExactlyElementsOf(expected);
		assertThat(expected).as("the read happened while the writer ran: after=" + v.revision() + " last=" + last).hasSizeGreaterThan(100);
		assertThat(last).isGreaterThanOrEqualTo(expected.get(expected.size() - 1));
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void seamWithVariablePatternUnderConcurrentWriter(StateController.Dispatch dispatch) throws Exception {
		StateController c = memory(dispatch);
		Thread writer = new Thread(() -> {
			for (int i = 0; i < 2000; i++) {
				if (i % 10 == 0) {
					c.set("/users/u" + (i % 4), Map.of("role", "r" + i, "age", i));
				}
				else {
					c.set("/users/u" + (i % 4) + "/role", "r" + i);
				}
				if (i % 100 == 0) {
					java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
				}
			}
		});
		writer.start();
		while (c.getVersioned("/").revision() < 100) {
			Thread.onSpinWait();
		}
		Versioned<Object> v = c.getVersioned("/users");
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/users/{id}/role", v.revision()).subscribe(col);
		writer.join();
		long last = c.getVersioned("/").revision();
		assertThat(last - v.revision()).as("the read happened while the writer ran").isGreaterThan(100);
		await().atMost(WAIT).until(() -> !col.events.isEmpty() && col.events.get(col.events.size() - 1).revision() == last);
		List<Long> revs = col.revisions();
		for (int i = 1; i < revs.size(); i++) {
			assertThat(revs.get(i)).isGreaterThan(revs.get(i - 1));
		}
		assertThat(revs.get(0)).isGreaterThan(v.revision());
		// every commit after v touched one user's role
		assertThat(revs).hasSize((int) (last - v.revision()));
	}

	// ------------------------------------------------------------------ replay == live

	/**
	 * Writes a scripted sequence while a live watch records, then replays the same pattern from 0
	 * and compares.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/users/**", "/users/{id}/role", "/users/*", "/users", "/users/a/role", "/**", "/*",
			"/users/{id}", "/d", "/d/**" })
	void replayMatchesWhatALiveSubscriberHeard(String pattern) {
		StateController c = memory();
		c.derive("/d", "/users", (u) -> (u == null) ? null : ((Map<?, ?>) u).size());
		Collector live = new Collector(Long.MAX_VALUE);
		long start = c.getVersioned("/").revision();
		c.watch(pattern).subscribe(live);
		c.set("/users/a/role", "admin");
		c.set("/users", Map.of("a", Map.of("role", "x"), "b", Map.of("role", "y", "age", 3)));
		c.set("/users/b", null);
		c.batch(() -> {
			c.set("/users/c/role", "z");
			c.set("/users/a/role", "w");
			c.set("/users/a/role", "x");
		});
		c.set("/users/a", Map.of("role", "v", "deep", Map.of("k", 1)));
		c.set("/users", null);
		c.set("/users/z/role", "last");
		c.set("/", Map.of("users", Map.of("q", Map.of("role", "root"))));
		Collector replay = new Collector(Long.MAX_VALUE);
		c.watch(pattern, start).subscribe(replay);
		await().atMost(WAIT).until(() -> replay.events.size() >= live.events.size());
		assertThat(replay.events.stream().map(NewUserHistoryTest::describe).toList())
			.containsExactlyElementsOf(live.events.stream().map(NewUserHistoryTest::describe).toList());
	}

	@Test
	void derivedValuesAreInTheHistoryCommit() {
		StateController c = memory();
		c.derive("/count", "/items", (v) -> (v == null) ? 0 : ((List<?>) v).size());
		c.set("/items", List.of(1, 2, 3));
		Commit last = c.history(0, 10_000).get(c.history(0, 10_000).size() - 1);
		assertThat(last.changes()).extracting((p) -> p.path().toString()).contains("/items", "/count");
	}

	// ------------------------------------------------------------------ bounds

	@Test
	void watchBounds() {
		StateController c = memory();
		c.set("/a", 1);
		c.set("/a", 2);
		long now = c.getVersioned("/").revision();
		assertThatThrownBy(() -> c.watch("/a", now + 1)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(String.valueOf(now + 1));
		assertThatThrownBy(() -> c.watch("/a", -1)).isInstanceOf(IllegalArgumentException.class);
		Collector fromNow = new Collector(Long.MAX_VALUE);
		c.watch("/a", now).subscribe(fromNow);
		Collector fromZero = new Collector(Long.MAX_VALUE);
		c.watch("/a", 0).subscribe(fromZero);
		c.set("/a", 3);
		await().atMost(WAIT).until(() -> fromNow.events.size() == 1 && fromZero.events.size() == 3);
		assertThat(fromNow.revisions()).containsExactly(now + 1);
		assertThat(fromZero.revisions()).containsExactly(1L, 2L, 3L);
		assertThat(fromZero.events.get(0).prevValue()).isNull();
		assertThat(fromZero.events.get(0).newValue()).isEqualTo(1);
	}

	@Test
	void watchOnEmptyControllerFromZero() {
		StateController c = memory();
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/**", 0).subscribe(col);
		c.set("/x", 1);
		await().atMost(WAIT).until(() -> col.events.size() == 1);
		assertThat(col.events.get(0).isResync()).isFalse();
	}

	@Test
	void historyBoundsAndPaging() {
		StateController c = memory();
		for (int i = 0; i < 257; i++) {
			c.set("/n", i);
		}
		assertThatThrownBy(() -> c.history(-1, 10)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("-1");
		assertThatThrownBy(() -> c.history(0, 0)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> c.history(0, 10_001)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("10001");
		assertThat(c.history(0, 10_000)).hasSize(257);
		assertThat(c.history(257, 10)).isEmpty();
		assertThat(c.history(10_000, 10)).isEmpty();
		assertThat(c.history(Long.MAX_VALUE, 1)).isEmpty();
		List<Commit> paged = new ArrayList<>();
		long after = 0;
		while (true) {
			List<Commit> page = c.history(after, 7);
			if (page.isEmpty()) {
				break;
			}
			assertThat(page.size()).isLessThanOrEqualTo(7);
			paged.addAll(page);
			after = page.get(page.size() - 1).revision();
		}
		assertThat(paged).containsExactlyElementsOf(c.history(0, 10_000));
		assertThat(c.history(100, 1).get(0).revision()).isEqualTo(101);
		assertThat(c.history(100, 1).get(0).changes()).containsExactly(new ChangedPath(StatePath.of("/n"), 99, 100));
	}

	@Test
	void noOpWritesAreNotInTheHistoryAndDontTakeARevision() {
		StateController c = memory();
		c.set("/a", 1);
		c.set("/a", 1);
		c.batch(() -> {
			c.set("/b", 1);
			c.set("/b", null);
		});
		c.set("/a", 2);
		List<Commit> h = c.history(0, 100);
		assertThat(h).extracting(Commit::revision).containsExactly(1L, 2L);
	}

	// ------------------------------------------------------------------ retention & resync

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void resyncWhenHistoryNoLongerReachesBack(StateController.Dispatch dispatch) {
		StateController c = StateController.builder().dispatch(dispatch).historySize(3).build();
		this.toClose.add(c);
		for (int i = 0; i < 10; i++) {
			c.set("/users/u" + i + "/role", "r" + i);
		}
		assertThat(c.history(0, 100)).extracting(Commit::revision).containsExactly(8L, 9L, 10L);
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/users/{id}/role", 2).subscribe(col);
		c.set("/users/u1/role", "new");
		await().atMost(WAIT).until(() -> col.events.size() >= 2);
		StateEvent first = col.events.get(0);
		assertThat(first.isResync()).isTrue();
		assertThat(first.path().toString()).isEqualTo("/users");
		assertThat(((Map<?, ?>) first.newValue())).hasSize(10);
		assertThat(first.revision()).isEqualTo(10);
		assertThat(col.events.get(1).isResync()).isFalse();
		assertThat(col.events.get(1).revision()).isEqualTo(11);
		assertThat(col.events).hasSize(2);
	}

	@Test
	void watchFromTheOldestRetainedBoundaryIsNotAResync() {
		StateController c = StateController.builder().historySize(3).build();
		this.toClose.add(c);
		for (int i = 0; i < 10; i++) {
			c.set("/a", i);
		}
		// retained 8, 9, 10: after 7 is fully covered
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/a", 7).subscribe(col);
		await().atMost(WAIT).until(() -> col.events.size() >= 3);
		assertThat(col.events).noneMatch(StateEvent::isResync);
		assertThat(col.revisions()).containsExactly(8L, 9L, 10L);
		// after 6 is not
		Collector col2 = new Collector(Long.MAX_VALUE);
		c.watch("/a", 6).subscribe(col2);
		await().atMost(WAIT).until(() -> col2.events.size() >= 1);
		assertThat(col2.events.get(0).isResync()).isTrue();
	}

	@Test
	void historySizeZeroWatchFromCurrentRevisionNeedsNoResync() {
		StateController c = StateController.builder().historySize(0).build();
		this.toClose.add(c);
		c.set("/a", 1);
		long now = c.getVersioned("/").revision();
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/a", now).subscribe(col);
		c.set("/a", 2);
		await().atMost(WAIT).until(() -> !col.events.isEmpty());
		assertThat(col.events.get(0).isResync()).as("nothing was missed, so no resync is needed").isFalse();
	}

	@Test
	void resyncForRootPattern() {
		StateController c = StateController.builder().historySize(1).build();
		this.toClose.add(c);
		c.set("/a", 1);
		c.set("/b", 2);
		c.set("/c", 3);
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/**", 0).subscribe(col);
		await().atMost(WAIT).until(() -> !col.events.isEmpty());
		assertThat(col.events.get(0).isResync()).isTrue();
		assertThat(col.events.get(0).path().toString()).isEqualTo("/");
		assertThat(col.events.get(0).newValue()).isEqualTo(Map.of("a", 1, "b", 2, "c", 3));
	}

	// ------------------------------------------------------------------ demand & cancel

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void slowSubscriberRequestingOneAtATime(StateController.Dispatch dispatch) throws Exception {
		StateController c = StateController.builder().dispatch(dispatch).historySize(10_000).build();
		this.toClose.add(c);
		for (int i = 0; i < 3000; i++) {
			c.set("/n/" + (i % 10), i);
		}
		Collector col = new Collector(1) {
			@Override
			public void onNext(StateEvent item) {
				super.onNext(item);
				// request the next one from another thread, like an async consumer
				new Thread(() -> this.subscription.request(1)).start();
			}
		};
		c.watch("/n/*", 0).subscribe(col);
		Thread writer = new Thread(() -> {
			for (int i = 0; i < 500; i++) {
				c.set("/n/" + (i % 10), -i - 1);
			}
		});
		writer.start();
		writer.join();
		await().atMost(WAIT).until(() -> col.events.size() >= 3500 || col.error.get() != null);
		assertThat(col.error.get()).isNull();
		List<Long> revs = col.revisions();
		assertThat(revs).hasSize(3500);
		for (int i = 0; i < revs.size(); i++) {
			assertThat(revs.get(i)).isEqualTo(i + 1L);
		}
	}

	@Test
	void demandIsHonouredDuringReplay() throws Exception {
		StateController c = memory();
		for (int i = 0; i < 100; i++) {
			c.set("/a", i);
		}
		Collector col = new Collector(5);
		c.watch("/a", 0).subscribe(col);
		Thread.sleep(200);
		assertThat(col.events).hasSize(5);
		col.subscription.request(3);
		await().atMost(WAIT).until(() -> col.events.size() == 8);
		Thread.sleep(100);
		assertThat(col.events).hasSize(8);
	}

	@Test
	void cancelMidReplayStopsEverything() throws Exception {
		StateController c = memory();
		for (int i = 0; i < 100; i++) {
			c.set("/a", i);
		}
		Collector col = new Collector(5) {
			@Override
			public void onNext(StateEvent item) {
				super.onNext(item);
				if (this.events.size() == 3) {
					this.subscription.cancel();
				}
			}
		};
		c.watch("/a", 0).subscribe(col);
		col.subscription.request(50);
		for (int i = 0; i < 10; i++) {
			c.set("/a", -i - 1);
		}
		Thread.sleep(200);
		assertThat(col.events).hasSize(3);
		assertThat(col.error.get()).isNull();
	}

	@Test
	void requestZeroIsAnError() {
		StateController c = memory();
		c.set("/a", 1);
		Collector col = new Collector(0);
		c.watch("/a", 0).subscribe(col);
		col.subscription.request(0);
		await().atMost(WAIT).until(() -> col.error.get() != null);
		assertThat(col.error.get()).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void plainWatchSubscriberThatNeverRequestsOverflowsWithError() {
		StateController c = memory();
		Collector col = new Collector(0);
		c.watch("/a").subscribe(col);
		for (int i = 0; i < 50_000; i++) {
			c.set("/a", i);
		}
		await().atMost(WAIT).until(() -> col.error.get() != null);
	}

	@Test
	void replayingSubscriberThatNeverRequestsGetsResyncNotError() {
		StateController c = memory();
		Collector col = new Collector(0);
		c.watch("/a", 0).subscribe(col);
		for (int i = 0; i < 50_000; i++) {
			c.set("/a", i);
		}
		// Confirmed: unlike watch(pattern), no onError; the lagging subscriber later gets one resync
		assertThat(col.error.get()).isNull();
		col.subscription.request(Long.MAX_VALUE);
		await().atMost(WAIT).until(() -> !col.events.isEmpty());
		assertThat(col.events.get(0).isResync()).isTrue();
	}

	// ------------------------------------------------------------------ actor / causedBy

	@Test
	void actorAndCausedByThroughListenerCascade() {
		StateController c = memory();
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		c.subscribe("/a", (e) -> {
			e.set("/b", e.newValue());
		});
		c.subscribe("/b", (e) -> {
			heard.add(e);
			e.controller().set("/c", e.newValue());
		});
		c.subscribe("/c", heard::add);
		c.set("/a", 1, WriteOptions.actor("alice"));
		List<Commit> h = c.history(0, 10);
		assertThat(h).hasSize(3);
		assertThat(h.get(0).actor()).isEqualTo("alice");
		assertThat(h.get(0).causedBy()).isZero();
		assertThat(h.get(1).causedBy()).isEqualTo(1);
		assertThat(h.get(2).causedBy()).isEqualTo(2);
		assertThat(heard).extracting(StateEvent::causedBy).containsExactly(1L, 2L);
	}

	@Test
	void batchTakesFirstNamedActorAndNestedBatchJoins() {
		StateController c = StateController.builder().defaultActor(() -> "default").build();
		this.toClose.add(c);
		c.batch(() -> {
			c.set("/x", 1);
			c.batch(() -> c.set("/y", 1, WriteOptions.actor("bob")));
			c.set("/z", 1, WriteOptions.actor("carol"));
		});
		c.set("/w", 1);
		List<Commit> h = c.history(0, 10);
		assertThat(h).hasSize(2);
		assertThat(h.get(0).actor()).isEqualTo("bob");
		assertThat(h.get(1).actor()).isEqualTo("default");
	}

	@Test
	void throwingDefaultActorIsTreatedAsNull() {
		StateController c = StateController.builder().defaultActor(() -> {
			throw new IllegalStateException("boom");
		}).build();
		this.toClose.add(c);
		c.set("/x", 1);
		assertThat(c.history(0, 10).get(0).actor()).isNull();
	}

	@Test
	void replayedEventsCarryActorAndCausedBy() {
		StateController c = memory();
		c.subscribe("/a", (e) -> e.set("/b", 2));
		c.set("/a", 1, WriteOptions.actor("alice"));
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/*", 0).subscribe(col);
		await().atMost(WAIT).until(() -> col.events.size() == 2);
		assertThat(col.events.get(0).actor()).isEqualTo("alice");
		assertThat(col.events.get(1).causedBy()).isEqualTo(1);
		assertThat(col.events.get(0).payload()).isNull();
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void causedByAcrossAsyncListenerAndEffect(StateController.Dispatch dispatch) {
		StateController c = memory(dispatch);
		c.subscribe("/a", (e) -> e.set("/b", e.newValue()));
		c.track((e) -> {
			Object b = c.get("/b");
			if (b != null) {
				c.set("/e", b);
			}
		});
		c.set("/a", 1);
		await().atMost(WAIT).until(() -> c.get("/e") != null);
		List<Commit> h = c.history(0, 10);
		Commit a = h.stream().filter((cm) -> cm.changes().get(0).path().toString().equals("/a")).findFirst().get();
		Commit b = h.stream().filter((cm) -> cm.changes().get(0).path().toString().equals("/b")).findFirst().get();
		Commit e = h.stream().filter((cm) -> cm.changes().get(0).path().toString().equals("/e")).findFirst().get();
		assertThat(a.causedBy()).isZero();
		assertThat(b.causedBy()).isEqualTo(a.revision());
		assertThat(e.causedBy()).isEqualTo(b.revision());
	}

	// ------------------------------------------------------------------ snapshots

	@Test
	void snapshotJsonRoundTripKeepsNumbersExact() throws Exception {
		StateController c = memory();
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("dec", new BigDecimal("1.10"));
		value.put("max", Long.MAX_VALUE);
		value.put("min", Long.MIN_VALUE);
		value.put("big", new BigInteger("123456789012345678901234567890"));
		value.put("small", 5);
		value.put("tiny", new BigDecimal("1E-400"));
		value.put("list", List.of(new BigDecimal("0.1"), 2, "s", true));
		c.set("/data", value);
		StateSnapshot s = c.snapshot("/data");
		JsonMapper mapper = JsonMapper.builder().build();
		String json = mapper.writeValueAsString(s);
		assertThat(json).contains("\"path\":\"/data\"").contains("1.10").contains("9223372036854775807");
		StateSnapshot back = mapper.readValue(json, StateSnapshot.class);
		assertThat(back.path()).isEqualTo(StatePath.of("/data"));
		assertThat(back.revision()).isEqualTo(s.revision());
		Map<?, ?> v = (Map<?, ?>) back.value();
		assertThat(v.get("dec")).isEqualTo(new BigDecimal("1.10"));
		assertThat(v.get("max")).isEqualTo(Long.MAX_VALUE);
		assertThat(v.get("min")).isEqualTo(Long.MIN_VALUE);
		assertThat(v.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
		assertThat(v.get("small")).isEqualTo(5);
		assertThat(v.get("tiny")).isEqualTo(new BigDecimal("1E-400"));
		// equal: restore is a no-op returning the current revision
		long now = c.getVersioned("/").revision();
		assertThat(c.restore(back)).isEqualTo(now);
		c.set("/data", null);
		long r = c.restore(back);
		assertThat(r).isEqualTo(now + 2);
		assertThat(c.get("/data/dec")).isEqualTo(new BigDecimal("1.10"));
		assertThat(c.get("/data/max")).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void snapshotReadsExactNumbersWhateverTheMapperSettings() throws Exception {
		JsonMapper mapper = JsonMapper.builder()
			.enable(tools.jackson.databind.DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
			.disable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.build();
		StateSnapshot s = mapper.readValue(
				"{\"path\":\"/n\",\"revision\":0,\"value\":{\"a\":1.10,\"b\":5,\"c\":9223372036854775807,\"d\":9223372036854775808,\"e\":1e400}}",
				StateSnapshot.class);
		Map<?, ?> v = (Map<?, ?>) s.value();
		assertThat(v.get("a")).isEqualTo(new BigDecimal("1.10"));
		assertThat(v.get("b")).isEqualTo(5);
		assertThat(v.get("c")).isEqualTo(Long.MAX_VALUE);
		assertThat(v.get("d")).isEqualTo(new BigInteger("9223372036854775808"));
		assertThat(v.get("e")).isEqualTo(new BigDecimal("1e400"));
	}

	@Test
	void restoreOf1e400StaysExactOrIsRefused() throws Exception {
		StateController c = memory();
		StateSnapshot s = JsonMapper.builder()
			.build()
			.readValue("{\"path\":\"/n\",\"revision\":0,\"value\":1e400}", StateSnapshot.class);
		try {
			c.restore(s);
			assertThat(c.get("/n")).isEqualTo(new BigDecimal("1e400"));
		}
		catch (StateValueException ex) {
			assertThat(c.get("/n")).isNull();
		}
	}

	@Test
	void badSnapshotJson() {
		JsonMapper mapper = JsonMapper.builder().build();
		assertThatThrownBy(() -> mapper.readValue("{\"path\":\"/a/../b\",\"revision\":0,\"value\":1}", StateSnapshot.class))
			.hasStackTraceContaining("/a/../b");
		assertThatThrownBy(() -> mapper.readValue("{\"path\":\"/a\",\"revision\":-3,\"value\":1}", StateSnapshot.class))
			.hasStackTraceContaining("-3");
		assertThatThrownBy(() -> mapper.readValue("{\"path\":\"/a\",\"revision\":0,\"value\":{", StateSnapshot.class))
			.isInstanceOf(tools.jackson.core.JacksonException.class);
		assertThatThrownBy(() -> mapper.readValue("{\"revision\":0,\"value\":1}", StateSnapshot.class))
			.hasStackTraceContaining("path");
	}

	@Test
	void restoreRootAndBelowALeaf() {
		StateController c = memory();
		c.set("/leaf", "SECRET-VALUE");
		c.set("/keep", 1);
		long before = c.getVersioned("/").revision();
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/leaf/x"), 0, 1)))
			.isInstanceOf(StateWriteException.class)
			.message()
			.doesNotContain("SECRET-VALUE");
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.ROOT, 0, 5)))
			.isInstanceOf(StateWriteException.class);
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/x"), 0, new Object())))
			.isInstanceOf(StateValueException.class);
		assertThat(c.getVersioned("/").revision()).isEqualTo(before);
		long r = c.restore(new StateSnapshot(StatePath.ROOT, 0, Map.of("only", 1)));
		assertThat(r).isEqualTo(before + 1);
		assertThat(c.get("/")).isEqualTo(Map.of("only", 1));
		assertThat(c.history(before, 10).get(0).changes()).hasSize(1);
	}

	@Test
	void restoreOfNullDeletesAndRootNullEmptiesTree() {
		StateController c = memory();
		c.set("/a/b", 1);
		c.set("/c", 2);
		long r = c.restore(new StateSnapshot(StatePath.of("/a"), 0, null));
		assertThat(c.get("/a")).isNull();
		assertThat(r).isEqualTo(3);
		long r2 = c.restore(new StateSnapshot(StatePath.ROOT, 0, null));
		assertThat(r2).isEqualTo(4);
		assertThat(c.childNames("/")).isEmpty();
		// restoring null at an absent path changes nothing
		assertThat(c.restore(new StateSnapshot(StatePath.of("/zz"), 0, null))).isEqualTo(4);
	}

	@Test
	void snapshotOfAbsentPathRoundTrips() throws Exception {
		StateController c = memory();
		c.set("/a", 1);
		StateSnapshot s = c.snapshot("/missing");
		assertThat(s.value()).isNull();
		JsonMapper mapper = JsonMapper.builder().build();
		StateSnapshot back = mapper.readValue(mapper.writeValueAsString(s), StateSnapshot.class);
		assertThat(back.value()).isNull();
		assertThat(back.path()).isEqualTo(StatePath.of("/missing"));
	}

	@Test
	void snapshotRevisionAgreesWithHistory() {
		StateController c = memory();
		c.set("/a", 1);
		c.set("/b", 1);
		StateSnapshot s = c.snapshot("/a");
		assertThat(s.revision()).isEqualTo(2);
	}

	// ------------------------------------------------------------------ increment

	@Test
	void incrementEdgeCases() {
		StateController c = memory();
		assertThat(c.increment("/n", 5)).isEqualTo(5);
		assertThat(c.increment("/n", -7)).isEqualTo(-2);
		c.set("/i", Integer.MAX_VALUE);
		assertThat(c.increment("/i", 1)).isEqualTo(Integer.MAX_VALUE + 1L);
		assertThat(c.get("/i")).isEqualTo(Integer.MAX_VALUE + 1L);
		c.set("/max", Long.MAX_VALUE - 1);
		assertThat(c.increment("/max", 1)).isEqualTo(Long.MAX_VALUE);
		long rev = c.getVersioned("/").revision();
		assertThatThrownBy(() -> c.increment("/max", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/max")
			.message()
			.doesNotContain(String.valueOf(Long.MAX_VALUE));
		c.set("/min", Long.MIN_VALUE);
		rev = c.getVersioned("/").revision();
		assertThatThrownBy(() -> c.increment("/min", -1)).isInstanceOf(StateWriteException.class);
		assertThat(c.getVersioned("/").revision()).isEqualTo(rev);
		assertThat(c.get("/min")).isEqualTo(Long.MIN_VALUE);
		c.set("/bi", BigInteger.valueOf(10));
		assertThat(c.increment("/bi", 1)).isEqualTo(11);
		c.set("/huge", new BigInteger("99999999999999999999"));
		assertThatThrownBy(() -> c.increment("/huge", 1)).isInstanceOf(StateWriteException.class)
			.message()
			.doesNotContain("99999999999999999999");
	}

	@ParameterizedTest
	@ValueSource(strings = { "decimal", "decimal-int", "string", "branch", "bool", "below-leaf", "list" })
	void incrementRefusesNonIntegers(String kind) {
		StateController c = memory();
		String path = "/v";
		switch (kind) {
			case "decimal" -> c.set("/v", 1.5);
			case "decimal-int" -> c.set("/v", new BigDecimal("1.0"));
			case "string" -> c.set("/v", "SECRET-123");
			case "branch" -> c.set("/v", Map.of("k", "SECRET-123"));
			case "bool" -> c.set("/v", true);
			case "below-leaf" -> {
				c.set("/v", "SECRET-123");
				path = "/v/w";
			}
			case "list" -> c.set("/v", List.of(1));
			default -> throw new IllegalArgumentException(kind);
		}
		long rev = c.getVersioned("/").revision();
		Object before = c.get("/");
		String p = path;
		assertThatThrownBy(() -> c.increment(p, 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining(p)
			.message()
			.doesNotContain("SECRET")
			.doesNotContain("1.5");
		assertThat(c.getVersioned("/").revision()).isEqualTo(rev);
		assertThat(c.get("/")).isEqualTo(before);
	}

	@Test
	void incrementOnADoubleThatIsIntegral() {
		StateController c = memory();
		c.set("/v", 1.0d);
		// README: a decimal throws
		assertThatThrownBy(() -> c.increment("/v", 1)).isInstanceOf(StateWriteException.class);
	}

	@Test
	void incrementZeroOnAbsent() {
		StateController c = memory();
		assertThat(c.increment("/n", 0)).isZero();
		// Either writes 0 or nothing: check consistency between get and history
		Object v = c.get("/n");
		List<Commit> h = c.history(0, 10);
		assertThat(v == null ? h.isEmpty() : h.size() == 1).isTrue();
	}

	@Test
	void incrementInAFailingBatchWritesNothing() {
		StateController c = memory();
		c.set("/n", 1);
		assertThatThrownBy(() -> c.batch(() -> {
			assertThat(c.increment("/n", 5)).isEqualTo(6);
			assertThat(c.get("/n")).isEqualTo(6);
			assertThat(c.increment("/n", 1)).isEqualTo(7);
			throw new IllegalStateException("nope");
		})).isInstanceOf(IllegalStateException.class);
		assertThat(c.get("/n")).isEqualTo(1);
		assertThat(c.history(0, 10)).hasSize(1);
	}

	@Test
	void incrementOverflowInsideBatchFailsBatch() {
		StateController c = memory();
		c.set("/n", Long.MAX_VALUE);
		assertThatThrownBy(() -> c.batch(() -> {
			c.set("/other", 1);
			c.increment("/n", 1);
		})).isInstanceOf(StateWriteException.class);
		assertThat(c.get("/other")).isNull();
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void concurrentIncrementsWithSetsAndListener(StateController.Dispatch dispatch) throws Exception {
		StateController c = memory(dispatch);
		c.subscribe("/n", (e) -> {
			if (e.newValue() instanceof Number n && n.longValue() % 1000 == 0) {
				e.controller().increment("/hits", 1);
			}
		});
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread th = new Thread(() -> {
				for (int i = 0; i < 2500; i++) {
					c.increment("/n", 1);
					c.set("/noise", i);
				}
			});
			threads.add(th);
			th.start();
		}
		for (Thread th : threads) {
			th.join();
		}
		assertThat(c.get("/n")).isEqualTo(10_000);
		await().atMost(WAIT).until(() -> Integer.valueOf(10).equals(c.get("/hits")));
	}

	@Test
	void incrementIsInHistoryAsAWrite() {
		StateController c = memory();
		c.set("/n", 41);
		c.increment("/n", 1);
		Commit last = c.history(1, 10).get(0);
		assertThat(last.changes()).containsExactly(new ChangedPath(StatePath.of("/n"), 41, 42));
	}

	// ------------------------------------------------------------------ getVersioned

	@Test
	void getVersionedInsideBatchSeesTheBatchsWritesAtTheRevisionItBuildsOn() {
		// DESIGN §4: reads inside a batch see its own writes; the batch's writes have no revision
		// until they commit, so the revision is the committed one the batch builds on (README,
		// Transactions), and a watch from it hears the batch's commit
		StateController c = memory();
		c.set("/a", 1);
		c.batch(() -> {
			c.set("/a", 2);
			Versioned<Object> v = c.getVersioned("/a");
			assertThat(v.value()).isEqualTo(2);
			assertThat(v.revision()).isEqualTo(1);
		});
		assertThat(c.getVersioned("/a").value()).isEqualTo(2);
		assertThat(c.getVersioned("/a").revision()).isEqualTo(2);
	}

	@Test
	void getVersionedTyped() {
		StateController c = memory();
		c.set("/users/a", Map.of("name", "x"));
		Versioned<Map<String, Map<String, String>>> v = c.getVersioned("/users", new TypeRef<>() {
		});
		assertThat(v.value().get("a").get("name")).isEqualTo("x");
		assertThat(v.revision()).isEqualTo(1);
		assertThatThrownBy(() -> c.getVersioned("/users", Integer.class)).isInstanceOf(StateValueException.class)
			.message()
			.doesNotContain("\"x\"");
	}

	// ------------------------------------------------------------------ filesystem

	@Test
	void filesystemHistoryAndRevisionAcrossReopen() throws Exception {
		Path d = this.dir.resolve("fs1");
		StateController c = files(d, 5);
		for (int i = 0; i < 8; i++) {
			c.set("/a/" + (i % 3), i, WriteOptions.actor("alice"));
		}
		List<Commit> before = c.history(0, 100);
		assertThat(before).extracting(Commit::revision).containsExactly(4L, 5L, 6L, 7L, 8L);
		c.close();
		StateController c2 = files(d, 5);
		assertThat(c2.getVersioned("/").revision()).isEqualTo(8);
		List<Commit> after = c2.history(0, 100);
		assertThat(after).extracting(Commit::revision).containsExactly(4L, 5L, 6L, 7L, 8L);
		assertThat(after).extracting(Commit::actor).containsOnly("alice");
		assertThat(after.get(4).changes()).isEqualTo(before.get(4).changes());
		c2.set("/b", 1);
		assertThat(c2.getVersioned("/").revision()).isEqualTo(9);
		Collector col = new Collector(Long.MAX_VALUE);
		c2.watch("/a/*", 5).subscribe(col);
		await().atMost(WAIT).until(() -> col.events.size() >= 3);
		assertThat(col.revisions()).containsExactly(6L, 7L, 8L);
	}

	@Test
	void filesystemHistoryIsNotInTheTree() {
		Path d = this.dir.resolve("fs2");
		StateController c = files(d, 10);
		c.set("/a", 1);
		c.set("/b/c", 2);
		assertThat(c.childNames("/")).containsExactlyInAnyOrder("a", "b");
		assertThat(((Map<?, ?>) c.get("/")).keySet().stream().map(Object::toString).toList()).containsExactlyInAnyOrder("a", "b");
		assertThat(c.snapshot("/").value()).isEqualTo(Map.of("a", 1, "b", Map.of("c", 2)));
	}

	@Test
	void filesystemOddPathCharactersInHistory() throws Exception {
		Path d = this.dir.resolve("fs3");
		StateController c = files(d, 100);
		String[] names = { "a b", "ü~%", "x.json", "CON", "a\\b", "日本", "q?r", "🙂", "-", ".hidden", "a:b", "\"q\"" };
		for (String n : names) {
			c.set(StatePath.ROOT.child(n), n);
		}
		c.close();
		StateController c2 = files(d, 100);
		List<Commit> h = c2.history(0, 100);
		assertThat(h).hasSize(names.length);
		for (int i = 0; i < names.length; i++) {
			assertThat(h.get(i).changes().get(0).path()).isEqualTo(StatePath.ROOT.child(names[i]));
			assertThat(c2.get(StatePath.ROOT.child(names[i]))).isEqualTo(names[i]);
		}
		assertThat(c2.childNames("/")).containsExactlyInAnyOrder(names);
	}

	@Test
	void filesystemHandEditedFileWhileClosed() throws Exception {
		Path d = this.dir.resolve("fs4");
		StateController c = files(d, 10);
		c.set("/a", 1);
		c.set("/b", 1);
		c.close();
		Path file = d.resolve("a.json");
		assertThat(file).exists();
		Files.writeString(file, "42");
		StateController c2 = files(d, 10);
		assertThat(c2.get("/a")).isEqualTo(42);
		long rev = c2.getVersioned("/").revision();
		assertThat(rev).isGreaterThanOrEqualTo(2);
		c2.set("/a", 43);
		Commit last = c2.history(rev, 10).get(0);
		assertThat(last.revision()).isEqualTo(rev + 1);
		assertThat(last.changes()).containsExactly(new ChangedPath(StatePath.of("/a"), 42, 43));
	}

	@Test
	void filesystemHistoryWithSubtreeWritesAndDeletesAcrossReopen() throws Exception {
		Path d = this.dir.resolve("fs5");
		StateController c = files(d, 100);
		c.set("/users", Map.of("a", Map.of("role", "x", "n", new BigDecimal("1.10")), "b", Map.of("role", "y")));
		c.set("/users/a/role", "z");
		c.set("/users/b", null);
		c.increment("/users/a/count", Long.MAX_VALUE);
		List<Commit> before = c.history(0, 100);
		c.close();
		StateController c2 = files(d, 100);
		List<Commit> after = c2.history(0, 100);
		assertThat(after).extracting(Commit::changes).isEqualTo(before.stream().map(Commit::changes).toList());
		assertThat(after).extracting(Commit::time).isEqualTo(before.stream().map(Commit::time).toList());
		assertThat(after).extracting(Commit::causedBy).isEqualTo(before.stream().map(Commit::causedBy).toList());
	}

	@Test
	void filesystemRetentionRotatesAcrossManyCommits() throws Exception {
		Path d = this.dir.resolve("fs6");
		StateController c = files(d, 3);
		for (int i = 0; i < 200; i++) {
			c.set("/a", i);
		}
		assertThat(c.history(0, 100)).extracting(Commit::revision).containsExactly(198L, 199L, 200L);
		c.close();
		StateController c2 = files(d, 3);
		assertThat(c2.history(0, 100)).extracting(Commit::revision).containsExactly(198L, 199L, 200L);
		try (Stream<Path> all = Files.walk(d)) {
			long bytes = all.filter(Files::isRegularFile).mapToLong((p) -> p.toFile().length()).sum();
			assertThat(bytes).as("rotated log stays small").isLessThan(200_000);
		}
	}

	@Test
	void filesystemReopenWithSmallerHistorySize() throws Exception {
		Path d = this.dir.resolve("fs7");
		StateController c = files(d, 50);
		for (int i = 0; i < 20; i++) {
			c.set("/a", i);
		}
		c.close();
		StateController c2 = files(d, 5);
		assertThat(c2.history(0, 100).size()).isLessThanOrEqualTo(20);
		assertThat(c2.history(0, 100).get(c2.history(0, 100).size() - 1).revision()).isEqualTo(20);
		c2.set("/a", 100);
		assertThat(c2.history(0, 100).get(c2.history(0, 100).size() - 1).revision()).isEqualTo(21);
	}

	@Test
	void filesystemHistorySizeZeroRevisionContinues() throws Exception {
		Path d = this.dir.resolve("fs8");
		StateController c = files(d, 0);
		c.set("/a", 1);
		c.set("/a", 2);
		c.close();
		StateController c2 = files(d, 0);
		assertThat(c2.getVersioned("/").revision()).isGreaterThanOrEqualTo(2);
		long r = c2.getVersioned("/").revision();
		c2.set("/a", 3);
		assertThat(c2.getVersioned("/").revision()).isGreaterThan(r);
	}

	@Test
	void filesystemSeamUnderConcurrentWriter() throws Exception {
		Path d = this.dir.resolve("fs9");
		StateController c = StateController.builder()
			.backend(FileSystemBackend.builder(d).historySize(1000).fsync(false).build())
			.dispatch(StateController.Dispatch.ASYNC)
			.build();
		this.toClose.add(c);
		Thread writer = new Thread(() -> {
			for (int i = 0; i < 500; i++) {
				c.set("/w/" + (i % 4), i);
			}
		});
		writer.start();
		while (c.getVersioned("/").revision() < 50) {
			Thread.onSpinWait();
		}
		Versioned<Object> v = c.getVersioned("/w");
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/w/{k}", v.revision()).subscribe(col);
		writer.join();
		long last = c.getVersioned("/").revision();
		// the writer may have finished before the watch began: then there is nothing to wait for
		if (last > v.revision()) {
			await().atMost(WAIT).until(() -> !col.events.isEmpty() && col.events.get(col.events.size() - 1).revision() == last);
		}
		assertThat(col.revisions()).hasSize((int) (last - v.revision()));
		assertThat(col.revisions()).doesNotHaveDuplicates().isSorted();
	}

	// ------------------------------------------------------------------ misc

	@Test
	void historyEntriesAreImmutable() {
		StateController c = memory();
		c.set("/a", Map.of("k", List.of(1)));
		Commit cm = c.history(0, 1).get(0);
		assertThatThrownBy(() -> cm.changes().clear()).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> ((Map<String, Object>) cm.changes().get(0).newValue()).put("x", 1))
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void watchOnInvalidPattern() {
		StateController c = memory();
		assertThatThrownBy(() -> c.watch("/a/**/b/{", 0)).isInstanceOf(InvalidPathException.class);
	}

	@Test
	void watchWithHistoryOnClosedController() {
		StateController c = StateController.builder().build();
		c.set("/a", 1);
		c.close();
		CountDownLatch done = new CountDownLatch(1);
		Collector col = new Collector(Long.MAX_VALUE) {
			@Override
			public void onError(Throwable t) {
				super.onError(t);
				done.countDown();
			}

			@Override
			public void onComplete() {
				super.onComplete();
				done.countDown();
			}
		};
		try {
			c.watch("/a", 0).subscribe(col);
		}
		catch (IllegalStateException ex) {
			return;
		}
		try {
			assertThat(done.await(5, TimeUnit.SECONDS)).as("a watch on a closed controller terminates").isTrue();
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}


	// ------------------------------------------------------------------ round 2

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void concurrentReplayEqualsLiveTailForSubtreeWrites(StateController.Dispatch dispatch) throws Exception {
		for (String pattern : List.of("/users/**", "/users/{id}/role", "/users/*", "/users")) {
			StateController c = memory(dispatch);
			Collector live = new Collector(Long.MAX_VALUE);
			c.watch(pattern).subscribe(live);
			Thread writer = new Thread(() -> {
				for (int i = 0; i < 1500; i++) {
					String u = "/users/u" + (i % 5);
					switch (i % 4) {
						case 0 -> c.set(u, Map.of("role", "r" + i, "x", Map.of("y", i)));
						case 1 -> c.set(u + "/role", "s" + i);
						case 2 -> c.set(u, null);
						default -> c.batch(() -> {
							c.set(u + "/role", "b" + c.get("/users/u0/role"));
							c.set("/users/u9/role", "t");
							c.set("/users/u9", null);
						});
					}
				}
			});
			writer.start();
			while (c.getVersioned("/").revision() < 100) {
				Thread.onSpinWait();
			}
			long after = c.getVersioned("/users").revision();
			Collector replay = new Collector(Long.MAX_VALUE);
			c.watch(pattern, after).subscribe(replay);
			writer.join();
			long last = c.getVersioned("/").revision();
			await().atMost(WAIT)
				.until(() -> !live.events.isEmpty() && live.events.get(live.events.size() - 1).revision() == last);
			List<String> expected = live.events.stream()
				.filter((e) -> e.revision() > after)
				.map(NewUserHistoryTest::describe)
				.toList();
			await().atMost(WAIT).until(() -> replay.events.size() >= expected.size());
			Thread.sleep(50);
			assertThat(replay.events.stream().map(NewUserHistoryTest::describe).toList()).as(pattern)
				.containsExactlyElementsOf(expected);
		}
	}

	@Test
	void watchFromZeroWithTruncatedHistory() {
		StateController c = StateController.builder().historySize(3).build();
		this.toClose.add(c);
		for (int i = 0; i < 10; i++) {
			c.set("/a", i);
		}
		Collector col = new Collector(Long.MAX_VALUE);
		c.watch("/a", 0).subscribe(col);
		await().atMost(WAIT).until(() -> !col.events.isEmpty());
		// Javadoc: "0 replays the whole retained history"; README: a resync when history does not reach back
		assertThat(col.events.get(0).isResync()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"a/b\":1}", "{\"\":1}", "{\"..\":1}", "{\"x\":{\"*\":1}}", "{\"{v}\":1}" })
	void restoreWithInvalidKeysWritesNothing(String valueJson) throws Exception {
		StateController c = memory();
		c.set("/keep", 1);
		StateSnapshot s = JsonMapper.builder()
			.build()
			.readValue("{\"path\":\"/t\",\"revision\":0,\"value\":" + valueJson + "}", StateSnapshot.class);
		assertThatThrownBy(() -> c.restore(s)).isInstanceOf(StateException.class);
		assertThat(c.get("/t")).isNull();
		assertThat(c.getVersioned("/").revision()).isEqualTo(1);
	}

	@Test
	void restoreTooDeepWritesNothing() {
		StateController c = memory();
		Object v = 1;
		for (int i = 0; i < 130; i++) {
			v = Map.of("k", v);
		}
		Object deep = v;
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/t"), 0, deep))).isInstanceOf(StateException.class);
		assertThat(c.get("/t")).isNull();
	}

	@Test
	void restoreInsideBatchReturnsRevisionBefore() {
		StateController c = memory();
		c.set("/a", 1);
		long r = c.batch(() -> c.restore(new StateSnapshot(StatePath.of("/b"), 0, Map.of("x", 1))));
		assertThat(r).isEqualTo(1);
		assertThat(c.get("/b/x")).isEqualTo(1);
		assertThat(c.getVersioned("/").revision()).isEqualTo(2);
	}

	@Test
	void restoreIsOneWriteForListeners() {
		StateController c = memory();
		c.set("/users/a/role", "x");
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		c.subscribe("/users", heard::add);
		c.restore(new StateSnapshot(StatePath.of("/users"), 0, Map.of("b", Map.of("role", "y"))));
		assertThat(heard).hasSize(1);
		assertThat(c.history(1, 10).get(0).changes()).hasSize(1);
	}

	@Test
	void restoreRefusesInfinity() {
		StateController c = memory();
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/n"), 0, Double.POSITIVE_INFINITY)))
			.isInstanceOf(StateValueException.class);
		assertThatThrownBy(() -> c.restore(new StateSnapshot(StatePath.of("/n"), 0, Map.of("x", Double.NaN))))
			.isInstanceOf(StateValueException.class);
		assertThat(c.get("/n")).isNull();
	}

	@Test
	void commitOriginAndTime() {
		StateController c = memory();
		c.set("/a", 1);
		c.set("/a", 2);
		List<Commit> h = c.history(0, 10);
		assertThat(h).extracting(Commit::origin).containsOnly(c.instanceId());
		assertThat(h.get(0).time()).isBeforeOrEqualTo(h.get(1).time());
	}

	@Test
	void actorValidation() {
		assertThatThrownBy(() -> WriteOptions.actor(" ")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> WriteOptions.actor("x".repeat(257))).isInstanceOf(IllegalArgumentException.class)
			.message()
			.doesNotContain("xxxx");
		assertThat(WriteOptions.actor("x".repeat(256)).actor()).hasSize(256);
		assertThat(WriteOptions.payload(1).withActor("a").withEquality((a, b) -> false).actor()).isEqualTo("a");
	}

	@Test
	void defaultActorTooLongOrBlank() {
		StateController c = StateController.builder().defaultActor(() -> "y".repeat(10_000)).build();
		this.toClose.add(c);
		c.set("/x", 1);
		String actor = c.history(0, 10).get(0).actor();
		assertThat(actor == null || actor.length() <= 256).as("default actor obeys the same 256 limit").isTrue();
	}

	@Test
	void incrementUsesDefaultActorAndCausedByInListener() {
		StateController c = StateController.builder().defaultActor(() -> "sys").build();
		this.toClose.add(c);
		c.subscribe("/a", (e) -> e.controller().increment("/count", 1));
		c.set("/a", 1);
		List<Commit> h = c.history(0, 10);
		assertThat(h).hasSize(2);
		assertThat(h.get(1).actor()).isEqualTo("sys");
		assertThat(h.get(1).causedBy()).isEqualTo(1);
	}

	@Test
	void filesystemWatchAcrossReopenWithResync() throws Exception {
		Path d = this.dir.resolve("fs10");
		StateController c = files(d, 3);
		for (int i = 0; i < 10; i++) {
			c.set("/users/u" + i, i);
		}
		c.close();
		StateController c2 = files(d, 3);
		Collector col = new Collector(Long.MAX_VALUE);
		c2.watch("/users/*", 2).subscribe(col);
		await().atMost(WAIT).until(() -> !col.events.isEmpty());
		assertThat(col.events.get(0).isResync()).isTrue();
		assertThat(col.events.get(0).path().toString()).isEqualTo("/users");
		Collector col2 = new Collector(Long.MAX_VALUE);
		c2.watch("/users/*", 7).subscribe(col2);
		await().atMost(WAIT).until(() -> col2.events.size() >= 3);
		assertThat(col2.revisions()).containsExactly(8L, 9L, 10L);
		assertThatThrownBy(() -> c2.watch("/users/*", 11)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void filesystemIncrementAcrossReopen() throws Exception {
		Path d = this.dir.resolve("fs11");
		StateController c = files(d, 10);
		c.increment("/n", Long.MAX_VALUE - 1);
		c.close();
		StateController c2 = files(d, 10);
		assertThat(c2.get("/n")).isEqualTo(Long.MAX_VALUE - 1);
		assertThat(c2.increment("/n", 1)).isEqualTo(Long.MAX_VALUE);
		assertThatThrownBy(() -> c2.increment("/n", 1)).isInstanceOf(StateWriteException.class);
		c2.set("/d", new BigDecimal("1.10"));
		c2.close();
		StateController c3 = files(d, 10);
		assertThat(c3.get("/d")).isEqualTo(new BigDecimal("1.10"));
		assertThat(c3.history(0, 10).get(c3.history(0, 10).size() - 1).changes().get(0).newValue())
			.isEqualTo(new BigDecimal("1.10"));
	}

	@Test
	void filesystemHandEditedMalformedFileWhileClosed() throws Exception {
		Path d = this.dir.resolve("fs12");
		StateController c = files(d, 10);
		c.set("/a", 1);
		c.set("/b", "SECRET-B");
		c.close();
		Files.writeString(d.resolve("b.json"), "{\"oops\": SECRET-B");
		try {
			StateController c2 = files(d, 10);
			assertThatThrownBy(() -> c2.get("/b")).message().doesNotContain("SECRET");
		}
		catch (RuntimeException ex) {
			assertThat(ex.getMessage()).doesNotContain("SECRET");
		}
	}

	@Test
	void historyAfterSnapshotRestoreShowsOldAndNew() {
		StateController c = memory();
		c.set("/u", Map.of("a", 1));
		StateSnapshot s = c.snapshot("/u");
		c.set("/u/b", 2);
		c.restore(s);
		Commit last = c.history(2, 10).get(0);
		assertThat(last.changes()).containsExactly(new ChangedPath(StatePath.of("/u"), Map.of("a", 1, "b", 2), Map.of("a", 1)));
	}

	@Test
	void laggingReplaySubscriberWithinRetentionGetsEveryEvent() {
		StateController c = memory();
		Collector col = new Collector(0);
		c.watch("/a", 0).subscribe(col);
		for (int i = 0; i < 5000; i++) {
			c.set("/a", i);
		}
		col.subscription.request(Long.MAX_VALUE);
		await().atMost(WAIT).until(() -> col.events.size() >= 5000 || col.events.stream().anyMatch(StateEvent::isResync));
		assertThat(col.events).noneMatch(StateEvent::isResync);
		assertThat(col.events).hasSize(5000);
	}

	@Test
	void hybridFilesRootWithMemoryMountKeepsTheRevisionButNotTheHistoryAcrossRestart() throws Exception {
		// documented (README, files profile / mounts): the hybrid's revisions are its own, so the
		// controller keeps the history in memory; the revision survives a restart, the history does not
		Path d = this.dir.resolve("fs20");
		StateController c = StateController.builder()
			.backend(new io.statetree.core.backend.HybridBackend(FileSystemBackend.builder(d).historySize(100).build())
				.mount("/sessions", new io.statetree.core.backend.InMemoryBackend()))
			.build();
		c.set("/users/a", 1);
		c.set("/sessions/s1", "tok");
		c.set("/users/b", 2);
		long rev = c.getVersioned("/").revision();
		assertThat(c.history(0, 100)).hasSize(3);
		c.close();
		StateController c2 = StateController.builder()
			.backend(new io.statetree.core.backend.HybridBackend(FileSystemBackend.builder(d).historySize(100).build())
				.mount("/sessions", new io.statetree.core.backend.InMemoryBackend()))
			.build();
		this.toClose.add(c2);
		assertThat(c2.getVersioned("/").revision()).isGreaterThanOrEqualTo(rev);
		assertThat(c2.get("/users")).isEqualTo(Map.of("a", 1, "b", 2));
		assertThat(c2.history(0, 100)).isEmpty();
		Collector col = new Collector(Long.MAX_VALUE);
		c2.watch("/users/*", 0).subscribe(col);
		await().atMost(WAIT).until(() -> !col.events.isEmpty());
		assertThat(col.events.get(0).isResync()).isTrue();
		assertThat(col.events.get(0).path().toString()).isEqualTo("/users");
		c2.set("/users/c", 3);
		List<Commit> after = c2.history(0, 100);
		assertThat(after).hasSize(1);
		assertThat(after.get(0).revision()).isGreaterThan(rev);
	}

	@Test
	void filesystemConcurrentIncrements() throws Exception {
		Path d = this.dir.resolve("fs21");
		StateController c = StateController.builder()
			.backend(FileSystemBackend.builder(d).historySize(50).fsync(false).build())
			.build();
		this.toClose.add(c);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread th = new Thread(() -> {
				for (int i = 0; i < 500; i++) {
					c.increment("/n", 1);
				}
			});
			threads.add(th);
			th.start();
		}
		for (Thread th : threads) {
			th.join();
		}
		assertThat(((Number) c.get("/n")).longValue()).isEqualTo(2000L);
		c.close();
		StateController c2 = files(d, 50);
		assertThat(((Number) c2.get("/n")).longValue()).isEqualTo(2000L);
		assertThat(c2.getVersioned("/").revision()).isEqualTo(2000);
		assertThat(c2.history(0, 100)).hasSize(50);
	}


	@Test
	void incrementResultTypeIsTheSameOnEveryBackend() {
		// the same type on every backend: what a set of the same long stores (an Integer when it fits)
		StateController m = memory();
		StateController f = files(this.dir.resolve("fs22"), 10);
		m.increment("/n", 1);
		f.increment("/n", 1);
		m.set("/s", 1L);
		assertThat(f.get("/n")).isEqualTo(m.get("/n")).isInstanceOf(m.get("/s").getClass());
		assertThat(f.history(0, 1).get(0).changes().get(0).newValue()).isEqualTo(m.history(0, 1).get(0).changes().get(0).newValue());
	}

	@Test
	void filesystemHistoryPagingWhileWritingAndRotating() throws Exception {
		Path d = this.dir.resolve("fs23");
		StateController c = StateController.builder()
			.backend(FileSystemBackend.builder(d).historySize(20).fsync(false).build())
			.build();
		this.toClose.add(c);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread writer = new Thread(() -> {
			try {
				for (int i = 0; i < 1500; i++) {
					c.set("/w/" + (i % 3), i);
				}
			}
			catch (Throwable t) {
				failure.set(t);
			}
		});
		writer.start();
		while (writer.isAlive()) {
			long after = 0;
			for (int k = 0; k < 10; k++) {
				List<Commit> page = c.history(after, 7);
				for (int j = 1; j < page.size(); j++) {
					assertThat(page.get(j).revision()).isEqualTo(page.get(j - 1).revision() + 1);
				}
				if (!page.isEmpty()) {
					assertThat(page.get(0).revision()).isGreaterThan(after);
					after = page.get(page.size() - 1).revision();
				}
			}
		}
		writer.join();
		assertThat(failure.get()).isNull();
		assertThat(c.history(0, 100)).hasSize(20).last().extracting(Commit::revision).isEqualTo(1500L);
	}


	@Test
	void cachingKeepsTheFilesHistoryAcrossRestartAHybridDoesNot() {
		// kind 0: a write-through cache passes the files history through; kind 1: a hybrid's
		// revisions are its own, its history is the controller's in-memory one (documented)
		for (int kind = 1; kind >= 0; kind--) {
			Path d = this.dir.resolve("fs30-" + kind);
			for (int round = 0; round < 2; round++) {
				FileSystemBackend fs = FileSystemBackend.builder(d).historySize(100).build();
				io.statetree.core.backend.StateBackend b = (kind == 0)
						? new io.statetree.core.backend.CachingBackend(fs, io.statetree.core.backend.CachePolicy.defaults())
						: new io.statetree.core.backend.HybridBackend(fs);
				StateController c = StateController.builder().backend(b).build();
				try {
					if (round == 0) {
						c.set("/a", 1);
						c.set("/a", 2);
					}
					else {
						assertThat(c.revision()).as("kind " + kind).isEqualTo(2);
						assertThat(c.history(0, 10)).as("kind " + kind).hasSize((kind == 0) ? 2 : 0);
					}
				}
				finally {
					c.close();
				}
			}
		}
	}

}
