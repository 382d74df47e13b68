package io.statetree.redis;

import java.nio.file.Path;
import java.util.List;

import io.statetree.core.AbstractEventMatchesHistoryProperties;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link AbstractEventMatchesHistoryProperties} on every Redis configuration (a fresh namespace per
 * try): {@link RedisBackend} alone, a write-through near cache over it (write-behind is refused in
 * front of a shared backend), and a hybrid with {@code /b} mounted on Redis, directly or through a
 * near cache. The near cache used to report its last revision for a commit that changed nothing,
 * which the controller took for the namespace's revision moving back: a resync event (new value
 * {@code null}) and a revision one below the last.
 */
class RedisEventMatchesHistoryPropertiesTest extends AbstractEventMatchesHistoryProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("eventhistory");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected List<String> configurations() {
		return List.of("redis", "near cache over redis", "hybrid with redis mounted",
				"hybrid with a near-cached redis mounted");
	}

	@Override
	protected StateBackend newBackend(String configuration, Path scratch) {
		return switch (configuration) {
			case "redis" -> REDIS.newBackend();
			case "near cache over redis" -> new CachingBackend(REDIS.newBackend(), CachePolicy.defaults());
			case "hybrid with redis mounted" -> new HybridBackend(new InMemoryBackend()).mount("/b", REDIS.newBackend());
			case "hybrid with a near-cached redis mounted" -> new HybridBackend(new InMemoryBackend()).mount("/b",
					new CachingBackend(REDIS.newBackend(), CachePolicy.defaults()));
			default -> throw new IllegalArgumentException("Unknown configuration " + configuration);
		};
	}

}
