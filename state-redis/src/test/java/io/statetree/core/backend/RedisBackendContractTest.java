package io.statetree.core.backend;

import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The backend contract on {@link RedisBackend}, each test in a fresh namespace. (In this package
 * because the contract suite is package-private.)
 */
@ExtendWith(RedisTestServer.class)
class RedisBackendContractTest extends AbstractBackendContractTest {

	private static LettuceConnectionFactory factory;

	private static int namespaces;

	@BeforeAll
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterAll
	static void disconnect() {
		factory.destroy();
	}

	static RedisBackend newRedisBackend(String prefix) {
		return RedisBackend.builder(factory)
			.namespace(prefix + "-" + ProcessHandle.current().pid() + "-" + (++namespaces))
			.build();
	}

	@Override
	protected StateBackend newBackend() {
		return newRedisBackend("contract");
	}

}
