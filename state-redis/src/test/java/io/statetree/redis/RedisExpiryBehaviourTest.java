package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractExpiryBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The expiry suite on {@link RedisBackend}, each controller in a fresh namespace: the scripts
 * expire entries by the server's clock and the expiry commits come back through the change feed.
 * After a controller closes, a new backend on the same namespace shows what it left.
 */
@ExtendWith(RedisTestServer.class)
class RedisExpiryBehaviourTest extends AbstractExpiryBehaviourTest {

	private static LettuceConnectionFactory factory;

	private static int namespaces;

	@BeforeAll
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterAll
	static void disconnect() {
		factory.destroy();
		factory = null;
	}

	@Override
	protected StateBackend newBackend(Path scratch) {
		return RedisBackend.builder(factory)
			.namespace("expiry-" + ProcessHandle.current().pid() + "-" + (++namespaces))
			.build();
	}

	@Override
	protected StateBackend afterClose(StateBackend closed, Path scratch) {
		return RedisBackend.builder(factory).namespace(((RedisBackend) closed).namespace()).build();
	}

}
