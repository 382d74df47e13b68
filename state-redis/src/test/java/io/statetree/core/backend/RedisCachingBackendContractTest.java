package io.statetree.core.backend;

import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backend contract on {@link CachingBackend} (write-through, the only policy allowed in front
 * of a shared backend) over {@link RedisBackend}.
 */
@ExtendWith(RedisTestServer.class)
class RedisCachingBackendContractTest extends AbstractBackendContractTest {

	@BeforeAll
	static void connect() {
		RedisBackendContractTest.connect();
	}

	@AfterAll
	static void disconnect() {
		RedisBackendContractTest.disconnect();
	}

	@Override
	protected StateBackend newBackend() {
		return new CachingBackend(RedisBackendContractTest.newRedisBackend("cached"), CachePolicy.defaults());
	}

}
