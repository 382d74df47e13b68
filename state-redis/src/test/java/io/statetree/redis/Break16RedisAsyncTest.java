package io.statetree.redis;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16's asynchronous API on Redis with two instances, as a new user would use it: exact
 * counter totals from async {@code update}s of both instances mixed with synchronous updates and
 * batches, each count heard exactly once and in order on both; a value changed after the call is
 * not what is written, on the non-blocking path and on the synchronous path the README sends
 * writes to while a computed value is open; and 2,000 calls in flight hold no thread each on
 * the synchronous path too.
 */
@ExtendWith(RedisTestServer.class)
class Break16RedisAsyncTest {

	private StateController first;

	private StateController second;

	@BeforeEach
	void setUp(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		this.first = controller(redis.newConnectionFactory(), namespace, "first");
		this.second = controller(redis.newConnectionFactory(), namespace, "second");
	}

	private static StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		return StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.dispatch(StateController.Dispatch.ASYNC)
			.build();
	}

	@AfterEach
	void tearDown() {
		this.first.close();
		this.second.close();
	}

	private static Integer plusOne(Integer v) {
		return (v == null) ? 1 : v + 1;
	}

	@Test
	void updateTotalsAreExactAndEveryCountIsHeardOnceInOrderOnBothInstances() throws Exception {
		List<Object> heardFirst = new CopyOnWriteArrayList<>();
		List<Object> heardSecond = new CopyOnWriteArrayList<>();
		this.first.subscribe("/n", (e) -> heardFirst.add(e.prevValue() + ">" + e.newValue()));
		this.second.subscribe("/n", (e) -> heardSecond.add(e.prevValue() + ">" + e.newValue()));
		List<CompletableFuture<?>> futures = new ArrayList<>();
		CompletableFuture<Void> syncFirst = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 100; i++) {
				this.first.update("/n", Integer.class, Break16RedisAsyncTest::plusOne);
			}
		});
		CompletableFuture<Void> batchSecond = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 100; i++) {
				this.second.batch(() -> {
					Integer n = this.second.get("/n", Integer.class);
					this.second.set("/n", plusOne(n));
				});
			}
		});
		for (int i = 0; i < 400; i++) {
			futures.add(this.first.async().update("/n", Integer.class, Break16RedisAsyncTest::plusOne));
			futures.add(this.second.async().update("/n", Integer.class, Break16RedisAsyncTest::plusOne));
		}
		for (CompletableFuture<?> f : futures) {
			f.get(120, TimeUnit.SECONDS);
		}
		syncFirst.get(120, TimeUnit.SECONDS);
		batchSecond.get(120, TimeUnit.SECONDS);
		int total = 1000;
		assertThat(this.first.get("/n", Integer.class)).isEqualTo(total);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			expected.add(((i == 0) ? "null" : String.valueOf(i)) + ">" + (i + 1));
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> heardFirst.size() >= total && heardSecond.size() >= total);
		assertThat(heardFirst).as("first").containsExactlyElementsOf(expected);
		assertThat(heardSecond).as("second").containsExactlyElementsOf(expected);
	}

	@Test
	void aValueChangedAfterTheCallIsNotWrittenOnTheNonBlockingPath() {
		List<Integer> list = new ArrayList<>(List.of(1));
		CompletableFuture<Boolean> f = this.first.async().set("/list", list);
		list.add(2);
		f.orTimeout(10, TimeUnit.SECONDS).join();
		assertThat(this.first.get("/list")).isEqualTo(List.of(1));
	}

	@Test
	void aValueChangedAfterTheCallIsNotWrittenWhileAComputedValueIsOpen() {
		try (Computed<Object> open = this.first.computed((view) -> view.get("/other"))) {
			open.get();
			List<CompletableFuture<Boolean>> futures = new ArrayList<>();
			List<List<Integer>> lists = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				List<Integer> list = new ArrayList<>(List.of(i));
				lists.add(list);
				futures.add(this.first.async().set("/list" + i, list));
			}
			lists.forEach((l) -> l.add(-1));
			futures.forEach((f) -> f.orTimeout(30, TimeUnit.SECONDS).join());
			for (int i = 0; i < 20; i++) {
				assertThat(this.first.get("/list" + i)).as("/list" + i).isEqualTo(List.of(i));
			}
		}
	}

	@Test
	void twoThousandCallsInFlightOnTheSynchronousPathHoldNoThreadEach() {
		try (Computed<Object> open = this.first.computed((view) -> view.get("/other"))) {
			open.get();
			this.first.set("/warm", 0);
			int before = ManagementFactory.getThreadMXBean().getThreadCount();
			int peak = before;
			List<CompletableFuture<Boolean>> futures = new ArrayList<>();
			for (int i = 0; i < 2000; i++) {
				futures.add(this.first.async().set("/t/k" + i, i));
				peak = Math.max(peak, ManagementFactory.getThreadMXBean().getThreadCount());
			}
			futures.forEach((f) -> f.orTimeout(120, TimeUnit.SECONDS).join());
			assertThat(peak - before).isLessThan(50);
			assertThat(this.second.get("/t/k1999")).isEqualTo(1999);
		}
	}

	@Test
	void setAllFromBothInstancesIsOneCommitOfBothPathsForTheOtherInstance() throws Exception {
		// revision -> the paths and values its events carried, as the second instance heard them
		Map<Long, Map<String, Object>> commits = new java.util.concurrent.ConcurrentSkipListMap<>();
		this.second.subscribe("/pair/**", (e) -> commits.computeIfAbsent(e.revision(),
				(r) -> new java.util.concurrent.ConcurrentHashMap<>()).put(e.path().toString(), e.newValue()));
		List<CompletableFuture<Boolean>> futures = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			futures.add(((i % 2 == 0) ? this.first : this.second).async().setAll(Map.of("/pair/a", i, "/pair/b", i)));
		}
		for (CompletableFuture<Boolean> f : futures) {
			f.get(60, TimeUnit.SECONDS);
		}
		assertThat(this.first.get("/pair/a")).isEqualTo(this.first.get("/pair/b"));
		await().atMost(Duration.ofSeconds(60)).until(() -> commits.size() >= 300);
		assertThat(commits).hasSize(300);
		commits.forEach((revision, paths) -> assertThat(paths).as("revision %d", revision).hasSize(2)
			.satisfies((p) -> assertThat(p.get("/pair/a")).isEqualTo(p.get("/pair/b"))));
	}

	@Test
	void theReadmesFluxAdapterHearsEveryChangeInOrder() {
		reactor.core.publisher.Flux<io.statetree.core.StateEvent> changes = reactor.core.publisher.Flux
			.from(reactor.adapter.JdkFlowAdapter.flowPublisherToFlux(this.first.watch("/flags/**")));
		CompletableFuture<List<Object>> first300 = changes.limitRate(1)
			.map((e) -> (Object) e.newValue())
			.take(300)
			.collectList()
			.toFuture();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			// the watch is live once a write is heard
			this.second.set("/flags/warm", System.nanoTime());
			assertThat(first300).isNotDone();
			assertThat(this.first.registrations().listeners()).isNotNull();
		});
		List<CompletableFuture<Boolean>> writes = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			writes.add(this.second.async().set("/flags/n", i));
		}
		writes.forEach((f) -> f.orTimeout(60, TimeUnit.SECONDS).join());
		List<Object> heard = first300.orTimeout(60, TimeUnit.SECONDS).join();
		List<Integer> ints = heard.stream().filter(Integer.class::isInstance).map(Integer.class::cast).toList();
		assertThat(ints).isNotEmpty().isSorted().doesNotHaveDuplicates();
		// consecutive from the first one heard: nothing skipped
		assertThat(ints.get(ints.size() - 1) - ints.get(0) + 1).isEqualTo(ints.size());
	}

}
