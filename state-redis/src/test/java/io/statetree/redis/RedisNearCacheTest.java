package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.redis.test.CountingConnectionFactory;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link CachingBackend} in front of {@link RedisBackend}: reads are served from memory, and the
 * change feed invalidates them when another instance writes.
 */
@ExtendWith(RedisTestServer.class)
class RedisNearCacheTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private CountingConnectionFactory counting;

	private StateController cached;

	private StateController other;

	private final List<StateEvent> heard = new CopyOnWriteArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		this.counting = new CountingConnectionFactory(redis.newConnectionFactory());
		this.cached = StateController.builder()
			.backend(new CachingBackend(RedisBackend.builder(this.counting.factory()).namespace(namespace).build(),
					CachePolicy.defaults()))
			.instanceId("cached")
			.build();
		this.other = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
			.instanceId("other")
			.build();
		this.cached.subscribe("/config/**", this.heard::add);
	}

	@AfterEach
	void tearDown() {
		this.cached.close();
		this.other.close();
	}

	@Test
	void aRemoteWriteInvalidatesTheCachedValueBeforeItsEventIsHeard() throws Exception {
		this.other.set("/config/theme", "light");
		awaitHeard(1);
		assertThat(this.cached.get("/config/theme")).isEqualTo("light");
		this.counting.reset();
		assertThat(this.cached.get("/config/theme")).isEqualTo("light");
		assertThat(this.counting.commands()).as("served from the cache").doesNotContain("evalSha");
		this.other.set("/config/theme", "dark");
		awaitHeard(2);
		assertThat(this.cached.get("/config/theme")).isEqualTo("dark");
		assertThat(this.cached.get("/config")).isEqualTo(java.util.Map.of("theme", "dark"));
	}

	private void awaitHeard(int count) {
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.heard).hasSize(count));
		assertThat(this.heard.get(count - 1).origin()).isEqualTo("other");
	}

}
