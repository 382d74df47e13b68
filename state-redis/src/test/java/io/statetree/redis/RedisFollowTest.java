package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateWriteException;
import io.statetree.core.Versioned;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13 through controllers on Redis, two instances on one namespace (each with its own
 * connection factory and {@link RedisBackend}): counters, the actor and causing revision in the
 * other instance's events, the history of both, and {@code getVersioned} followed by
 * {@code watch(pattern, revision)} while the other instance writes.
 */
@ExtendWith(RedisTestServer.class)
class RedisFollowTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

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

	private static void onThreads(List<StateController> controllers, int threadsEach, int increments)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(controllers.size() * threadsEach);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (StateController controller : controllers) {
				for (int t = 0; t < threadsEach; t++) {
					futures.add(pool.submit(() -> {
						for (int i = 0; i < increments; i++) {
							controller.increment("/counter", 1);
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
	}

	@Test
	void fourThreadsIncrementingOnOneControllerAreExact() throws Exception {
		onThreads(List.of(this.first), 4, 2_500);
		assertThat(this.first.get("/counter")).isEqualTo(10_000);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(this.second.get("/counter")).isEqualTo(10_000));
	}

	@Test
	void fourThreadsOnEachOfTwoControllersAreExact() throws Exception {
		onThreads(List.of(this.first, this.second), 4, 2_500);
		assertThat(this.first.get("/counter")).isEqualTo(20_000);
		assertThat(this.second.get("/counter")).isEqualTo(20_000);
	}

	@Test
	void incrementReturnsTheNewValueAndRefusesWhatItCannotAdd() {
		assertThat(this.first.increment("/counter", 5)).isEqualTo(5);
		assertThat(this.second.increment("/counter", Long.MAX_VALUE - 5)).isEqualTo(Long.MAX_VALUE);
		long revision = this.first.getVersioned("/counter").revision();
		assertThatThrownBy(() -> this.first.increment("/counter", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/counter")
			.hasMessageContaining("overflow");
		this.first.set("/name", "secret");
		assertThatThrownBy(() -> this.second.increment("/name", 1)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/name")
			.hasMessageNotContaining("secret");
		assertThat(this.first.get("/counter")).isEqualTo(Long.MAX_VALUE);
		assertThat(this.first.getVersioned("/counter").revision()).isEqualTo(revision + 1);
	}

	@Test
	void theOtherInstanceHearsTheActorAndTheCausingRevision() {
		this.first.subscribe("/orders/{id}", (event) -> {
			if (event.origin().equals("first") && !event.isResync()) {
				this.first.set("/audit/last", event.revision());
			}
		});
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		this.second.subscribe("/**", heard::add);
		this.first.set("/orders/1", "new", WriteOptions.actor("ann"));
		this.first.increment("/stats/orders", 1);
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(heard).hasSizeGreaterThanOrEqualTo(3));
		StateEvent order = heard.stream().filter((e) -> e.path().toString().equals("/orders/1")).findFirst().orElseThrow();
		StateEvent audit = heard.stream().filter((e) -> e.path().toString().equals("/audit/last")).findFirst().orElseThrow();
		assertThat(order.actor()).isEqualTo("ann");
		assertThat(order.causedBy()).isZero();
		assertThat(audit.causedBy()).isEqualTo(order.revision());
		List<Commit> history = this.second.history(0, 10);
		assertThat(history).extracting(Commit::origin).containsOnly("first");
		assertThat(history.get(0).actor()).isEqualTo("ann");
	}

	@Test
	void aWatchFromAVersionedReadSeesEveryLaterCommitOfTheOtherInstanceOnce() throws Exception {
		int commits = 2_000;
		this.second.set("/items/n", 0);
		List<Long> seen = new CopyOnWriteArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try {
			Future<?> writes = writer.submit(() -> {
				for (int i = 1; i <= commits; i++) {
					this.second.set("/items/n", i);
				}
			});
			// start following while the other instance writes
			Awaitility.await().atMost(WAIT).until(() -> this.first.get("/items/n", Integer.class) > 100);
			Versioned<Object> versioned = this.first.getVersioned("/items/n");
			long from = versioned.revision();
			this.first.watch("/items/*", from).subscribe(new Flow.Subscriber<>() {

				@Override
				public void onSubscribe(Flow.Subscription subscription) {
					subscription.request(Long.MAX_VALUE);
				}

				@Override
				public void onNext(StateEvent event) {
					if (event.isResync()) {
						failure.compareAndSet(null, new AssertionError("unexpected resync"));
					}
					seen.add(event.revision());
				}

				@Override
				public void onError(Throwable throwable) {
					failure.compareAndSet(null, throwable);
				}

				@Override
				public void onComplete() {
				}

			});
			writes.get();
			long last = this.second.getVersioned("/items/n").revision();
			Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(seen).contains(last));
			assertThat(failure.get()).isNull();
			// one commit per write, revisions consecutive: every one after the read, once, in order
			List<Long> expected = new ArrayList<>();
			for (long r = from + 1; r <= last; r++) {
				expected.add(r);
			}
			assertThat(seen).containsExactlyElementsOf(expected);
			assertThat(((Number) versioned.value()).longValue()).isEqualTo(from - 1);
		}
		finally {
			writer.shutdownNow();
		}
	}

}
