package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import io.statetree.core.Break14Workload;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14 on Redis: a write over a value whose time to live ran out a few milliseconds
 * before (so most likely before the 250 ms sweep came) must find it gone: README "Every commit
 * script first expires what is due ... each entry is deleted by one script call, so exactly once",
 * "a read after the due time returns null at once". So the history shows the expiry commit, then
 * the write from {@code null} (a delete writes nothing more). Each entry point, six keys each.
 */
@ExtendWith(RedisTestServer.class)
class RedisWriteOverDueTest {

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

	private StateController controller() {
		LettuceConnectionFactory factory = this.redis.newConnectionFactory();
		RedisBackend backend = RedisBackend.builder(factory).namespace(this.namespace).build();
		StateController controller = StateController.builder().backend(backend).instanceId("a").build();
		this.closeables.add(0, backend);
		this.closeables.add(0, controller);
		return controller;
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
		StateController c = controller();
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
		await().pollDelay(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(5)).until(() -> true);
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
