package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracked effects with two controllers on one Redis namespace: a commit by the other instance
 * during an effect's run makes it run again, and an effect never stays on an old value.
 */
@ExtendWith(RedisTestServer.class)
class RedisEffectTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private StateController first;

	private StateController second;

	@BeforeEach
	void setUp(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		this.first = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
			.instanceId("first")
			.build();
		this.second = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
			.instanceId("second")
			.build();
	}

	@AfterEach
	void tearDown() {
		this.first.close();
		this.second.close();
	}

	@Test
	void aRemoteCommitDuringTheFirstRunMakesTheEffectRunAgain() throws Exception {
		StatePath x = StatePath.of("/remote/x");
		this.first.set(x, 1);
		CountDownLatch reading = new CountDownLatch(1);
		List<Object> seen = new CopyOnWriteArrayList<>();
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			Future<?> write = other.submit(() -> {
				reading.await();
				this.second.set(x, 2);
				return null;
			});
			this.first.track((e) -> {
				Object value = e.get(x.toString());
				if (seen.isEmpty()) {
					reading.countDown();
					// hold the first run until the other instance's write is in Redis
					await().atMost(WAIT).until(() -> Integer.valueOf(2).equals(this.first.backend().read(x)));
				}
				seen.add(value);
			});
			write.get(30, TimeUnit.SECONDS);
			await().atMost(WAIT).untilAsserted(() -> assertThat(seen).containsExactly(1, 2));
			this.second.set(x, 3);
			await().atMost(WAIT).untilAsserted(() -> assertThat(seen).containsExactly(1, 2, 3));
		}
		finally {
			other.shutdownNow();
		}
	}

	@Test
	void effectsOnBothInstancesEndOnTheFinalValue() throws Exception {
		List<Object> onFirst = new CopyOnWriteArrayList<>();
		List<Object> onSecond = new CopyOnWriteArrayList<>();
		this.first.track((e) -> onFirst.add(e.get("/counter")));
		this.second.track((e) -> onSecond.add(e.get("/counter")));
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> futures = new java.util.ArrayList<>();
			for (StateController controller : List.of(this.first, this.second)) {
				for (int t = 0; t < 2; t++) {
					futures.add(pool.submit(() -> {
						for (int i = 0; i < 50; i++) {
							controller.update("/counter", Integer.class, (n) -> (n == null) ? 1 : n + 1);
						}
					}));
				}
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(onFirst.get(onFirst.size() - 1)).isEqualTo(200);
			assertThat(onSecond.get(onSecond.size() - 1)).isEqualTo(200);
		});
	}


	@Test
	void anEffectListingChildrenFollowsTheOtherInstancesAdditions() throws Exception {
		List<Object> seen = new CopyOnWriteArrayList<>();
		this.first.track((e) -> seen.add(this.first.childNames("/kids").size()));
		for (int i = 0; i < 20; i++) {
			this.second.set("/kids/k" + i, i);
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(seen).last().isEqualTo(20));
	}

	/** Batches on both instances: adders count in the batch, recounters list the branch. */
	@Test
	void recountsAndAddsInBatchesOnBothInstancesKeepTheCountExact() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		int perThread = 15;
		try {
			List<Future<?>> futures = new java.util.ArrayList<>();
			int t = 0;
			for (StateController controller : List.of(this.first, this.second)) {
				int adder = t++;
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						String id = "a" + adder + "-" + i;
						controller.batch(() -> {
							controller.set("/tally/items/" + id, 1);
							controller.update("/tally/count", Integer.class, (n) -> (n == null) ? 1 : n + 1);
						});
					}
					return null;
				}));
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						controller.batch(() -> controller.set("/tally/count", controller.childNames("/tally/items").size()));
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.first.get("/tally/count")).isEqualTo(2 * perThread);
	}

	/**
	 * Both instances register the derivation; the other instance writes its source. A batch inside
	 * the effect sees a derived value that agrees with its source (serialisable across instances),
	 * and the effect ends on the last value. (The effect's own reads outside the batch may mix an
	 * unannounced remote commit with older values, as the README says; the run after it arrives
	 * agrees again.)
	 */
	@Test
	void aBatchInsideAnEffectReadsADerivedValueThatAgreesWithItsSourceWhileTheOtherInstanceWrites() throws Exception {
		for (StateController controller : List.of(this.first, this.second)) {
			controller.derive("/dv/double", "/dv/a", Integer.class, (a) -> (a == null) ? null : 2 * a);
		}
		List<String> glitches = new CopyOnWriteArrayList<>();
		List<Object> last = new CopyOnWriteArrayList<>();
		this.first.track((e) -> {
			e.get("/dv/a");
			Integer[] pair = this.first.batch(() -> new Integer[] { this.first.get("/dv/a", Integer.class),
					this.first.get("/dv/double", Integer.class) });
			Integer x = pair[0];
			Integer y = pair[1];
			if ((x == null) != (y == null) || (x != null && y != 2 * x)) {
				glitches.add(x + " / " + y);
			}
			last.add(String.valueOf(x));
		});
		for (int i = 1; i <= 40; i++) {
			this.second.set("/dv/a", i);
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(last).last().isEqualTo("40"));
		assertThat(glitches).isEmpty();
	}

	/** An effect on one instance batches an increment for each trigger; the other instance increments too. */
	@Test
	void batchedIncrementsInsideAnEffectAndOnTheOtherInstanceLoseNothing() throws Exception {
		java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
		this.first.track((e) -> {
			if (e.get("/fx/trigger") != null) {
				runs.incrementAndGet();
				this.first.batch(() -> this.first.update("/fx/n", Integer.class, (n) -> (n == null) ? 1 : n + 1));
			}
		});
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<?> triggers = pool.submit(() -> {
				for (int i = 0; i < 30; i++) {
					this.second.set("/fx/trigger", i);
				}
			});
			Future<?> increments = pool.submit(() -> {
				for (int i = 0; i < 30; i++) {
					this.second.batch(() -> this.second.update("/fx/n", Integer.class, (n) -> (n == null) ? 1 : n + 1));
				}
			});
			triggers.get(60, TimeUnit.SECONDS);
			increments.get(60, TimeUnit.SECONDS);
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(runs.get()).isPositive();
			assertThat(this.first.get("/fx/n")).isEqualTo(30 + runs.get());
		});
	}

	/**
	 * Both instances derive a total from a branch; each adds children to it. The total a commit
	 * writes is computed from the branch as that commit leaves it, so it never misses the other
	 * instance's concurrent additions.
	 */
	@Test
	void aDerivedTotalNeverMissesTheOtherInstancesConcurrentAdditions() throws Exception {
		for (StateController controller : List.of(this.first, this.second)) {
			controller.derive("/cart/total", "/cart/items", (items) -> (items instanceof java.util.Map<?, ?> map)
					? map.values().stream().mapToInt((v) -> ((Number) v).intValue()).sum() : 0);
		}
		ExecutorService pool = Executors.newFixedThreadPool(4);
		int perThread = 25;
		try {
			List<Future<?>> futures = new java.util.ArrayList<>();
			int t = 0;
			for (StateController controller : List.of(this.first, this.second, this.first, this.second)) {
				int id = t++;
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						controller.set("/cart/items/i" + id + "-" + i, 1);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.first.childNames("/cart/items")).hasSize(4 * perThread);
		assertThat(this.first.get("/cart/total")).isEqualTo(4 * perThread);
	}

	/**
	 * The exact case: the first instance computes the total of {@code {a}} while the second commits
	 * {@code b} (with its own total of {@code {b}}); the first's commit must not write a total that
	 * leaves out {@code b}.
	 */
	@Test
	void aDerivationComputedWhileTheOtherInstanceCommitsASourceIsNotCommittedStale() throws Exception {
		java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
		StatePath b = StatePath.of("/cart/items/b");
		java.util.function.Function<Object, Object> total = (items) -> (items instanceof java.util.Map<?, ?> map)
				? map.values().stream().mapToInt((v) -> ((Number) v).intValue()).sum() : 0;
		this.first.derive("/cart/total", "/cart/items", (items) -> {
			if (armed.compareAndSet(true, false)) {
				// hold this computation until the other instance's addition is in Redis
				await().atMost(WAIT).until(() -> this.second.backend().read(b) != null);
			}
			return total.apply(items);
		});
		this.second.derive("/cart/total", "/cart/items", total);
		armed.set(true);
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			Future<?> firstWrite = other.submit(() -> this.first.set("/cart/items/a", 1));
			await().atMost(WAIT).until(() -> !armed.get());
			this.second.set(b, 2);
			firstWrite.get(60, TimeUnit.SECONDS);
		}
		finally {
			other.shutdownNow();
		}
		assertThat(this.first.get("/cart/items")).isEqualTo(java.util.Map.of("a", 1, "b", 2));
		assertThat(this.first.get("/cart/total")).isEqualTo(3);
	}

	/**
	 * The same race with Redis mounted below a memory root on both instances: the conflict the
	 * mount reports names the path as the hybrid sees it, so the commit computes the total again
	 * instead of failing the plain {@code set}.
	 */
	@Test
	void aDerivationBelowARedisMountIsComputedAgainWhenTheOtherInstanceChangesItsSource(RedisTestServer redis)
			throws Exception {
		String namespace = redis.newNamespace();
		java.util.function.Function<Object, Object> total = (items) -> (items instanceof java.util.Map<?, ?> map)
				? map.values().stream().mapToInt((v) -> ((Number) v).intValue()).sum() : 0;
		try (StateController one = StateController.builder()
			.backend(new io.statetree.core.backend.HybridBackend(new io.statetree.core.backend.InMemoryBackend())
				.mount("/shared", RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build()))
			.instanceId("one")
			.build();
				StateController two = StateController.builder()
					.backend(new io.statetree.core.backend.HybridBackend(new io.statetree.core.backend.InMemoryBackend())
						.mount("/shared", RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build()))
					.instanceId("two")
					.build()) {
			java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
			StatePath b = StatePath.of("/shared/items/b");
			one.derive("/shared/total", "/shared/items", (items) -> {
				if (armed.compareAndSet(true, false)) {
					await().atMost(WAIT).until(() -> two.backend().read(b) != null);
				}
				return total.apply(items);
			});
			two.derive("/shared/total", "/shared/items", total);
			armed.set(true);
			ExecutorService other = Executors.newSingleThreadExecutor();
			try {
				Future<?> firstWrite = other.submit(() -> one.set("/shared/items/a", 1));
				await().atMost(WAIT).until(() -> !armed.get());
				two.set(b, 2);
				firstWrite.get(60, TimeUnit.SECONDS);
			}
			finally {
				other.shutdownNow();
			}
			assertThat(one.get("/shared/items")).isEqualTo(java.util.Map.of("a", 1, "b", 2));
			assertThat(one.get("/shared/total")).isEqualTo(3);
		}
	}

}
