package io.statetree.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StateController;
import io.statetree.core.StateListener;
import io.statetree.core.StateWriteException;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cascade guard across instances (DESIGN §5, issue 19 point 4): a listener on one instance
 * that writes {@code /pong} on hearing {@code /ping}, and one on another instance that writes
 * {@code /ping} on hearing {@code /pong}, stop after 1,000 rounds with the refusal one instance
 * gives, because the cascade depth travels with the commit in the change stream.
 */
@ExtendWith(RedisTestServer.class)
class RedisCascadeAcrossInstancesTest {

	/** Writes the heard value plus one at {@code to}; remembers the first refusal and the last value written. */
	private static StateListener relay(StateController c, String to, AtomicReference<String> refusal,
			AtomicLong written) {
		return (e) -> {
			long next = ((Number) e.newValue()).longValue() + 1;
			try {
				c.set(to, next);
				written.accumulateAndGet(next, Math::max);
			}
			catch (StateWriteException ex) {
				refusal.compareAndSet(null, ex.getMessage());
				throw ex;
			}
		};
	}

	@Test
	void aPingPongBetweenTwoInstancesStopsWhereItStopsOnOne(RedisTestServer redis) {
		AtomicReference<String> localRefusal = new AtomicReference<>();
		AtomicLong localWritten = new AtomicLong();
		try (StateController alone = controller(redis.newConnectionFactory(), redis.newNamespace(), "alone")) {
			alone.subscribe("/ping", relay(alone, "/pong", localRefusal, localWritten));
			alone.subscribe("/pong", relay(alone, "/ping", localRefusal, localWritten));
			alone.set("/ping", 0);
			await().atMost(Duration.ofSeconds(60)).until(() -> localRefusal.get() != null);
		}
		assertThat(localWritten.get()).as("rounds on one instance").isEqualTo(1_000);

		String namespace = redis.newNamespace();
		AtomicReference<String> refusal = new AtomicReference<>();
		AtomicLong written = new AtomicLong();
		try (StateController a = controller(redis.newConnectionFactory(), namespace, "a");
				StateController b = controller(redis.newConnectionFactory(), namespace, "b")) {
			a.subscribe("/ping", relay(a, "/pong", refusal, written));
			b.subscribe("/pong", relay(b, "/ping", refusal, written));
			a.set("/ping", 0);
			await("the guard's refusal").atMost(Duration.ofSeconds(60)).until(() -> refusal.get() != null);
			assertThat(refusal.get()).isEqualTo(localRefusal.get());
			long revision = a.revision();
			await("no round after the refusal").during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(30))
				.until(() -> a.revision() == revision && b.revision() == revision);
			assertThat(written.get()).as("rounds across two instances").isEqualTo(1_000);
			long ping = a.get("/ping", Long.class, -1L);
			long pong = a.get("/pong", Long.class, -1L);
			assertThat(Math.max(ping, pong)).isEqualTo(1_000);
			assertThat(revision).as("one revision per round and the first write").isEqualTo(1_001);
		}
	}

	private static StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		return StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.build();
	}

}
