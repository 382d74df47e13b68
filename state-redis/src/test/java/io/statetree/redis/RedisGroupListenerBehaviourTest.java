package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractGroupListenerBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The group listener behaviour suite on {@link RedisBackend}, each test in a fresh namespace; the
 * second instance is another backend of the namespace on its own connection factory.
 */
@ExtendWith(RedisTestServer.class)
class RedisGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("group-behaviour", 2);

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

	@Override
	protected StateBackend sameStore(StateBackend first) {
		return REDIS.backend(1, ((RedisBackend) first).namespace());
	}

}
