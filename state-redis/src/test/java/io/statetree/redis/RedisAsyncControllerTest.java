package io.statetree.redis;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The asynchronous API on Redis (DESIGN §15): {@code update} through it is exact across two
 * controllers on one namespace, and 2,000 calls in flight from one thread hold no thread each
 * (the JVM's thread count grows by less than 50). The second needs a non-blocking
 * {@link RedisBackend} ({@code isNonBlocking()}); on a blocking one the calls queue on the
 * executor and it also holds, since writes are sent one after the other.
 */
@ExtendWith(RedisTestServer.class)
class RedisAsyncControllerTest {

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
			.build();
	}

	@AfterEach
	void tearDown() {
		this.first.close();
		this.second.close();
	}

	@Test
	void callbacksMayCallTheControllerSynchronously() {
		this.first.set("/cb", 7);
		Object read = this.first.async()
			.get("/cb")
			.thenApply((value) -> this.first.get("/cb"))
			.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
			.join();
		assertThat(read).isEqualTo(7);
		Boolean nested = this.first.async()
			.set("/cb", 8)
			.thenApply((changed) -> this.first.async().set("/cb3", 1).join())
			.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
			.join();
		assertThat(nested).isTrue();
		assertThat(this.first.async().set("/cb4", 1).orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join())
			.isTrue();
	}

	@Test
	void aComputedValueNeverSeesHalfOfTheControllersOwnAsyncCommit() throws Exception {
		this.first.setAll(java.util.Map.of("/g1", 0, "/g2", 0));
		try (io.statetree.core.Computed<Boolean> equal = this.first
			.computed((view) -> java.util.Objects.equals(view.get("/g1"), view.get("/g2")))) {
			java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
			java.util.concurrent.atomic.AtomicInteger unequal = new java.util.concurrent.atomic.AtomicInteger();
			java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
			Thread reader = new Thread(() -> {
				while (!done.get()) {
					if (!equal.get()) {
						unequal.incrementAndGet();
					}
					reads.incrementAndGet();
				}
			});
			reader.start();
			for (int i = 1; i <= 300; i++) {
				this.first.async().setAll(java.util.Map.of("/g1", i, "/g2", i)).join();
			}
			done.set(true);
			reader.join();
			assertThat(reads.get()).isPositive();
			assertThat(unequal.get()).isZero();
		}
	}

	@Test
	void asyncUpdatesFromTwoControllersAreExact() {
		int perController = 300;
		List<CompletableFuture<Integer>> futures = new ArrayList<>();
		for (int i = 0; i < perController; i++) {
			for (StateController controller : List.of(this.first, this.second)) {
				futures.add(controller.async().update("/count", Integer.class, (v) -> (v == null) ? 1 : v + 1));
			}
		}
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
		assertThat(this.first.get("/count")).isEqualTo(2 * perController);
		assertThat(futures.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(2L * perController);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.second.get("/count")).isEqualTo(2 * perController));
	}

	@Test
	void twoThousandCallsInFlightFromOneThreadHoldNoThreadEach() {
		this.first.async().set("/warm", 1).join();
		int before = ManagementFactory.getThreadMXBean().getThreadCount();
		AtomicInteger peak = new AtomicInteger(before);
		List<CompletableFuture<Boolean>> futures = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			futures.add(this.first.async().set("/n/" + i, i));
			peak.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
		}
		CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> {
			peak.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
			return all.isDone();
		});
		all.join();
		assertThat(peak.get() - before).isLessThan(50);
		assertThat(this.first.get("/n/1999")).isEqualTo(1999);
		assertThat(futures).allMatch(CompletableFuture::join);
	}

}
