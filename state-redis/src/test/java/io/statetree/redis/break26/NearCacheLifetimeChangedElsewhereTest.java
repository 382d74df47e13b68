package io.statetree.redis.break26;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * break26, area 4: an equal write on one instance that only changes a lifetime takes no revision
 * and puts nothing on the change stream (README: an equal write makes no revision). Does a near
 * cache on another instance then still read what Redis holds?
 */
@ExtendWith(RedisTestServer.class)
class NearCacheLifetimeChangedElsewhereTest {

	@Test
	void aValueMadePermanentElsewhereStaysReadableThroughANearCache(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		List<StateController> cs = new ArrayList<>();
		try {
			StateController writer = add(cs, StateController.builder()
				.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
				.instanceId("writer")
				.build());
			StateController cached = add(cs, StateController.builder()
				.backend(new CachingBackend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build(),
						CachePolicy.defaults()))
				.instanceId("cached")
				.build());
			writer.set("/a", 1, WriteOptions.ttl(Duration.ofMillis(800)));
			await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(1).equals(cached.get("/a")));
			assertThat(cached.timeToLive("/a")).isNotNull();
			// an equal write without a lifetime makes the value permanent, with no revision
			assertThat(writer.set("/a", 1)).isFalse();
			assertThat(writer.timeToLive("/a")).isNull();
			long past = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
			await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > past);
			assertThat(writer.get("/a")).as("Redis holds it").isEqualTo(1);
			assertThat(cached.get("/a")).as("the near cache reads what Redis holds").isEqualTo(1);
			assertThat(cached.timeToLive("/a")).as("the near cache's lifetime").isNull();
		}
		finally {
			cs.forEach(StateController::close);
		}
	}

	@Test
	void aLifetimeGivenElsewhereShowsThroughANearCache(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		List<StateController> cs = new ArrayList<>();
		try {
			StateController writer = add(cs, StateController.builder()
				.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
				.instanceId("writer")
				.build());
			StateController cached = add(cs, StateController.builder()
				.backend(new CachingBackend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build(),
						CachePolicy.defaults()))
				.instanceId("cached")
				.build());
			writer.set("/a", 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(1).equals(cached.get("/a")));
			assertThat(cached.timeToLive("/a")).isNull();
			assertThat(writer.set("/a", 1, WriteOptions.ttl(Duration.ofMinutes(10)))).isFalse();
			assertThat(writer.timeToLive("/a")).isNotNull();
			assertThat(cached.timeToLive("/a")).as("the near cache's lifetime").isNotNull();
		}
		finally {
			cs.forEach(StateController::close);
		}
	}

	private static StateController add(List<StateController> cs, StateController c) {
		cs.add(c);
		return c;
	}

}
