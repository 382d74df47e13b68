package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two controllers, each on its own connection factory and {@link RedisBackend}, sharing one
 * namespace: updates are atomic across them and each hears the other's changes.
 */
@ExtendWith(RedisTestServer.class)
class RedisCrossInstanceTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private String namespace;

	private StateController first;

	private StateController second;

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.namespace = redis.newNamespace();
		this.first = controller(redis.newConnectionFactory(), this.namespace, "first");
		this.second = controller(redis.newConnectionFactory(), this.namespace, "second");
	}

	private static StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		return StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.build();
	}

	@AfterEach
	void tearDown() {
		this.first.close();
		this.second.close();
	}

	@Test
	void exactNumbersTravelThroughTheChangeFeed() {
		List<Object> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.second.subscribe("/wallet/*", (event) -> heard.add(event.newValue()));
		this.first.set("/wallet/balance", new java.math.BigDecimal("1.000000000000000001"));
		this.first.set("/wallet/balance", new java.math.BigDecimal("1.000000000000000002"));
		this.first.set("/wallet/rate", 0.1);
		this.first.set("/wallet/big", new java.math.BigInteger("123456789012345678901234567890"));
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(heard).containsExactly(
				new java.math.BigDecimal("1.000000000000000001"), new java.math.BigDecimal("1.000000000000000002"), 0.1,
				new java.math.BigInteger("123456789012345678901234567890")));
		assertThat(this.second.get("/wallet/balance")).isEqualTo(new java.math.BigDecimal("1.000000000000000002"));
	}

	@Test
	void incrementsFromTwoControllersAreNeverLost() throws Exception {
		int threadsPerController = 4;
		int increments = 5_000;
		ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerController);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (StateController controller : List.of(this.first, this.second)) {
				for (int t = 0; t < threadsPerController; t++) {
					futures.add(pool.submit(() -> {
						for (int i = 0; i < increments; i++) {
							controller.update("/counter", Integer.class, n -> (n == null) ? 1 : n + 1);
						}
					}));
				}
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.first.get("/counter")).isEqualTo(2 * threadsPerController * increments);
		assertThat(this.second.get("/counter")).isEqualTo(2 * threadsPerController * increments);
	}

	@Test
	void batchedUpdatesFromTwoControllersAreNeverLost() throws Exception {
		int perThread = 50;
		onBothControllers(4, (controller) -> {
			for (int i = 0; i < perThread; i++) {
				controller.batch(() -> controller.update("/n", Integer.class, (n) -> (n == null) ? 1 : n + 1));
			}
		});
		assertThat(this.first.get("/n")).isEqualTo(2 * 4 * perThread);
		assertThat(this.second.get("/n")).isEqualTo(2 * 4 * perThread);
	}

	@Test
	void batchedGetThenSetFromTwoControllersIsNeverLost() throws Exception {
		int perThread = 50;
		onBothControllers(4, (controller) -> {
			for (int i = 0; i < perThread; i++) {
				controller.batch(() -> {
					Integer n = controller.get("/n", Integer.class);
					controller.set("/n", (n == null) ? 1 : n + 1);
				});
			}
		});
		assertThat(this.first.get("/n")).isEqualTo(2 * 4 * perThread);
	}

	@Test
	void aBatchRunsAgainWhenTheOtherInstanceChangesWhatItRead() throws Exception {
		this.first.set("/limit", 1);
		java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			this.first.batch(() -> {
				Integer limit = this.first.get("/limit", Integer.class);
				if (runs.incrementAndGet() == 1) {
					try {
						other.submit(() -> this.second.set("/limit", 2)).get();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}
				this.first.set("/copy", limit);
			});
		}
		finally {
			other.shutdownNow();
		}
		assertThat(runs).hasValue(2);
		assertThat(this.second.get("/copy")).isEqualTo(2);
	}

	private void onBothControllers(int threadsPerController, java.util.function.Consumer<StateController> work)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerController);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (StateController controller : List.of(this.first, this.second)) {
				for (int t = 0; t < threadsPerController; t++) {
					futures.add(pool.submit(() -> work.accept(controller)));
				}
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void closingTheControllersStopsTheirFeedThreads() {
		assertThat(feedThreads()).hasSize(2);
		this.first.close();
		assertThat(feedThreads()).hasSize(1);
		this.second.close();
		assertThat(feedThreads()).isEmpty();
	}

	private List<Thread> feedThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(t -> t.getName().equals("statetree-feed-" + this.namespace) && t.isAlive())
			.toList();
	}

	@Test
	void listenersHearTheOtherInstancesChangesWithItsOrigin() throws Exception {
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		this.first.subscribe("/users/{id}", heard::add);
		this.second.set("/users/1", java.util.Map.of("name", "Ann"));
		this.second.set("/users/1/name", "Bea");
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(heard).hasSize(2));
		assertThat(heard).extracting(StateEvent::origin).containsOnly("second");
		assertThat(heard.get(1).path()).hasToString("/users/1");
		assertThat(heard.get(1).newValue()).isEqualTo("Bea");
		assertThat(this.first.get("/users/1/name")).isEqualTo("Bea");
	}

}
