package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.statetree.core.Break14Workload;
import io.statetree.core.StateController;
import io.statetree.core.StateWriteException;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14 on Redis: two instances sharing a namespace, four writers (two on each) mixing
 * writes with and without a time to live, ephemeral writes, deletes, {@code update},
 * {@code getOrWrite}, {@code setAll}, {@code async()} and batches, with a listener on each
 * instance that writes with a lifetime of its own ({@link Break14Workload}: reads and
 * {@code timeToLive} against the model, each leaf's history against the writes, one expiry commit
 * per lifetime within one second, every change heard exactly once in revision order on both
 * instances). Then one instance closes and the other hears its ephemeral entries expire, once.
 * And the limits: 3,650 days, fractions of a millisecond never rounded up.
 */
@ExtendWith(RedisTestServer.class)
class Break14RedisLifetimesTest {

	private RedisTestServer redis;

	private String namespace;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.redis = redis;
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		for (AutoCloseable closeable : this.closeables) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// already closed
			}
		}
	}

	private StateController controller(String id, StateController.Dispatch dispatch) {
		LettuceConnectionFactory factory = this.redis.newConnectionFactory();
		RedisBackend backend = RedisBackend.builder(factory)
			.namespace(this.namespace)
			.leaseTimeout(Duration.ofSeconds(10))
			.build();
		StateController controller = StateController.builder().backend(backend).instanceId(id).dispatch(dispatch).build();
		this.closeables.add(0, backend);
		this.closeables.add(0, controller);
		return controller;
	}

	@Test
	void twoInstancesFourWritersSeed1() throws Exception {
		twoInstancesFourWritersAgreeWithTheModelTheHistoryAndTheListeners(1);
	}

	@ParameterizedTest
	@ValueSource(longs = { 2 })
	void twoInstancesFourWritersAgreeWithTheModelTheHistoryAndTheListeners(long seed) throws Exception {
		StateController.Dispatch dispatch = (seed % 2 == 0) ? StateController.Dispatch.ASYNC
				: StateController.Dispatch.SYNC;
		StateController a = controller("a", dispatch);
		StateController b = controller("b", dispatch);
		Break14Workload workload = new Break14Workload(List.of(a, b),
				new Break14Workload.Settings(4, 30, seed, true, false, Duration.ofSeconds(1)), i -> "");
		List<String> failures = workload.run();
		Map<String, Object> ephemeral = workload.ephemeralLeft();
		// the ephemeral entries of the instance that closes (writers 1 and 3 use b) go, once
		a.close();
		List<Break14Workload.Heard> heardByB = workload.heard().get(1);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			for (Map.Entry<String, Object> e : ephemeral.entrySet()) {
				if (e.getKey().startsWith("/t0/") || e.getKey().startsWith("/t2/")) {
					assertThat(b.get(e.getKey())).as("ephemeral %s of the closed instance", e.getKey()).isNull();
					assertThat(heardByB.stream()
						.filter(h -> h.expiry() && h.path().equals(e.getKey()) && e.getValue().equals(h.oldValue())))
						.as("expiry of %s heard by the surviving instance", e.getKey())
						.hasSize(1);
				}
				else {
					assertThat(b.get(e.getKey())).as("ephemeral %s of the surviving instance", e.getKey())
						.isEqualTo(e.getValue());
				}
			}
		});
		assertThat(failures).as("broken promises on Redis (%s)", dispatch).isEmpty();
	}

	@Test
	void theLimitsWorkAndTimeToLiveIsNeverMoreThanGiven() {
		StateController c = controller("a", StateController.Dispatch.SYNC);
		List<Duration> ttls = List.of(Duration.ofDays(3650), Duration.ofDays(3650).minusNanos(1),
				Duration.ofMillis(10_000).plusNanos(999_999), Duration.ofSeconds(30).plusNanos(500_000));
		int n = 0;
		for (Duration ttl : ttls) {
			String p = "/limit" + (n++);
			c.set(p, "v", WriteOptions.ttl(ttl));
			assertThat(c.get(p)).isEqualTo("v");
			assertThat(c.timeToLive(p)).as("timeToLive of %s written with %s", p, ttl)
				.isNotNull()
				.isLessThanOrEqualTo(ttl)
				.isGreaterThan(ttl.minusSeconds(5));
			Duration asyncLeft = c.async()
				.set(p + "a", "v", WriteOptions.ttl(ttl))
				.thenApply(changed -> c.timeToLive(p + "a"))
				.join();
			assertThat(asyncLeft).as("timeToLive of %sa written asynchronously with %s", p, ttl)
				.isNotNull()
				.isLessThanOrEqualTo(ttl);
		}
	}

	@Test
	void aRefusedWriteFromAsyncIsAFailedFutureAndWritesNothing() {
		StateController c = controller("a", StateController.Dispatch.SYNC);
		c.set("/leaf", 5);
		long revision = c.revision();
		Throwable failed = catchThrowable(
				() -> c.async().set("/leaf/x", "v", WriteOptions.ttl(Duration.ofSeconds(5))).join());
		assertThat(failed).isInstanceOf(CompletionException.class).hasCauseInstanceOf(StateWriteException.class);
		assertThat(c.revision()).isEqualTo(revision);
		assertThat(c.timeToLive("/leaf")).isNull();
		assertThat(c.timeToLive("/leaf/x")).isNull();
	}

}
