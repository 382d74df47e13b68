package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractComputedLifetimeTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AbstractComputedLifetimeTest} on {@link RedisBackend}, each controller in a fresh
 * namespace: the computed value's scope is the controller's, shared by every backend.
 */
@ExtendWith(RedisTestServer.class)
class RedisComputedLifetimeTest extends AbstractComputedLifetimeTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("computed-ttl");

	@BeforeAll
	static void connect() {
		REDIS.connect();
	}

	@AfterAll
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected StateBackend newBackend(Path scratch) {
		return REDIS.newBackend();
	}

}
