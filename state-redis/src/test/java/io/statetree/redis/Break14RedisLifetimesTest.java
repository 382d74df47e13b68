package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import io.statetree.core.Break14Workload;
import io.statetree.core.StateController;
import io.statetree.core.StateWriteException;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.jspecify.annotations.Nullable;
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
 * And the limits: 3,650 days, fractions of a millisecond never rounded up. And a write over a value
 * whose time to live ran out a few milliseconds before (so most likely before the 250 ms sweep
 * came) finds it gone: README "Every commit script first expires what is due ... each entry is
 * deleted by one script call, so exactly once", "a read after the due time returns null at once";
 * the history shows the expiry commit, then the write from {@code null} (a delete writes nothing
 * more), for each entry point, six keys each (was {@code RedisWriteOverDueTest}, with the same set-up).
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
		return controller(id, dispatch, Duration.ofSeconds(10));
	}

	/** A controller on the test's namespace, closed after the test; a null lease: the default. */
	private StateController controller(String id, StateController.Dispatch dispatch, @Nullable Duration lease) {
		LettuceConnectionFactory factory = this.redis.newConnectionFactory();
		RedisBackend.Builder builder = RedisBackend.builder(factory).namespace(this.namespace);
		if (lease != null) {
			builder.leaseTimeout(lease);
		}
		RedisBackend backend = builder.build();
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
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
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

	private static void pause(long millis) {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < until) {
			LockSupport.parkNanos(until - System.nanoTime());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "set", "delete", "setAll", "update", "async set", "async delete", "async setAll",
			"async update" })
	void aWriteOverAValueThatJustFellDueFindsItExpired(String entryPoint) {
		StateController c = controller("a", StateController.Dispatch.SYNC, null);
		Map<String, BiConsumer<String, String>> calls = Map.of("set", (k, v) -> c.set(k, v), "delete",
				(k, v) -> c.delete(k), "setAll", (k, v) -> c.setAll(Map.of(k, v)), "update",
				(k, v) -> c.update(k, String.class, old -> v), "async set", (k, v) -> c.async().set(k, v).join(),
				"async delete", (k, v) -> c.async().delete(k).join(), "async setAll",
				(k, v) -> c.async().setAll(Map.of(k, v)).join(), "async update",
				(k, v) -> c.async().update(k, String.class, old -> v).join());
		BiConsumer<String, String> call = calls.get(entryPoint);
		boolean deletes = entryPoint.endsWith("delete");
		for (int i = 0; i < 6; i++) {
			String k = "/k" + i;
			c.set(k, "old" + i, WriteOptions.ttl(Duration.ofMillis(30)));
			pause(40);
			call.accept(k, "new" + i);
		}
		// a sweep after every due time above: a marker due last, expired by the sweep (nothing else
		// commits or reads it); an expiry the sweep wrongly made of a key would be in the history now
		c.set("/sweep-marker", "m", WriteOptions.ttl(Duration.ofMillis(1)));
		await().atMost(Duration.ofSeconds(30)).until(() -> Break14Workload.history(c)
			.stream()
			.anyMatch(ch -> ch.expiry() && ch.path().equals("/sweep-marker")));
		List<String> bent = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String k = "/k" + i;
			List<String> h = Break14Workload.history(c)
				.stream()
				.filter(ch -> ch.path().equals(k))
				.map(ch -> ch.toString().replaceFirst("^r\\d+ ", ""))
				.toList();
			List<String> expected = new ArrayList<>(
					List.of(k + ": null -> old" + i, "EXPIRY " + k + ": old" + i + " -> null"));
			if (!deletes) {
				expected.add(k + ": null -> new" + i);
			}
			if (!h.equals(expected)) {
				bent.add(h.toString());
			}
		}
		assertThat(bent).as("%s over a value 10 ms past its due time: histories not [write, expiry, write from null]",
				entryPoint).isEmpty();
	}

}
