package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractExpiryBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The expiry suite on {@link RedisBackend}, each controller in a fresh namespace: the scripts
 * expire entries by the server's clock and the expiry commits come back through the change feed.
 * After a controller closes, a new backend on the same namespace shows what it left.
 */
@ExtendWith(RedisTestServer.class)
class RedisExpiryBehaviourTest extends AbstractExpiryBehaviourTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("expiry");

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
	protected StateBackend afterClose(StateBackend closed, Path scratch) {
		return REDIS.backend(0, ((RedisBackend) closed).namespace());
	}

}
