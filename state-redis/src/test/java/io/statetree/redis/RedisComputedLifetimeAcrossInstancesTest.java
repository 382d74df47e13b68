package io.statetree.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * break25: a computed value on one instance that read a lifetime ({@code timeToLive}) and another
 * instance restarting or clearing that lifetime with an equal value (README "Computed values": "a
 * write at or above a path whose lifetime a computed value read computes it again, even when it
 * leaves the value equal"). The reading instance's own {@code timeToLive} answers the new lifetime
 * at once (it reads Redis); its computed value must follow.
 */
class RedisComputedLifetimeAcrossInstancesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("computed-ttl2", 2);

	private static final Duration HOUR = Duration.ofHours(1);

	@BeforeAll
	static void connect() {
		REDIS.connect();
	}

	@AfterAll
	static void disconnect() {
		REDIS.disconnect();
	}

	/**
	 * Finding (fixed, redisttl26): an equal write that only restarts or clears a lifetime takes no
	 * revision and puts no entry on the change stream (commit.lua and commitleaf.lua answer it as
	 * unchanged), so the other instance never learned of it and its computed value kept answering
	 * the old lifetime (until the value or a path it read changed), while that instance's
	 * {@code timeToLive} answered the new one. Now a computed value that read lifetimes on a shared
	 * backend checks their stamps (the due times on Redis) on {@code get}; nothing is added to the
	 * stream. Without the fix the first {@code await} below times out.
	 */
	@Test
	void aLifetimeRestartedOnAnotherInstanceComputesTheValueAgain() {
		String namespace = REDIS.newNamespace();
		try (StateController writer = StateController.builder()
			.backend(REDIS.backend(0, namespace))
			.instanceId("writer")
			.build();
				StateController reader = StateController.builder()
					.backend(REDIS.backend(1, namespace))
					.instanceId("reader")
					.build()) {
			writer.set("/k", "v", WriteOptions.ttl(HOUR));
			await().atMost(Duration.ofSeconds(10)).until(() -> "v".equals(reader.get("/k")));
			AtomicInteger runs = new AtomicInteger();
			Computed<Duration> left = reader.computed((view) -> {
				runs.incrementAndGet();
				return reader.timeToLive("/k");
			});
			assertThat(left.get()).isLessThanOrEqualTo(HOUR).isGreaterThan(HOUR.minusMinutes(5));
			writer.set("/k", "v", WriteOptions.ttl(HOUR.multipliedBy(3)));
			assertThat(reader.timeToLive("/k")).as("the reader's own read").isGreaterThan(HOUR.multipliedBy(2));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(left.get()).as("the reader's computed value")
					.isGreaterThan(HOUR.multipliedBy(2)));
			writer.set("/k", "v");
			assertThat(reader.timeToLive("/k")).as("the reader's own read, the value permanent").isNull();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(left.get()).as("the reader's computed value").isNull());
		}
	}

	/**
	 * redisttl26's decision: a computed value that read a lifetime checks its stamp on every
	 * {@code get}; with Redis unreachable that check fails, and {@code get} throws the backend's
	 * {@link StateStorageException} rather than answer a lifetime it cannot check. A value that read
	 * no lifetime answers its memo as before.
	 */
	@Test
	void aComputedLifetimeThatCannotBeCheckedThrows() throws IOException {
		try (RestartableRedis server = RestartableRedis.running()) {
			StateController c = server.closing(StateController.builder()
				.backend(RedisBackend.builder(server.newConnectionFactory()).namespace(REDIS.newNamespace()).build())
				.build());
			c.set("/k", "v", WriteOptions.ttl(HOUR));
			Computed<Duration> left = c.computed((view) -> c.timeToLive("/k"));
			Computed<Object> value = c.computed((view) -> view.get("/k"));
			assertThat(left.get()).isNotNull();
			assertThat(value.get()).isEqualTo("v");
			server.stop();
			try {
				assertThatThrownBy(left::get).isInstanceOf(StateStorageException.class);
				assertThat(value.get()).as("no lifetime read: the memo").isEqualTo("v");
			}
			finally {
				server.start();
			}
		}
	}

}
