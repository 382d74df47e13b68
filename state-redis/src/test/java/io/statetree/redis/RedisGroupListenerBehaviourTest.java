package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractGroupListenerBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The group listener behaviour suite on {@link RedisBackend}, each test in a fresh namespace; the
 * second instance is another backend of the namespace on its own connection factory.
 */
@ExtendWith(RedisTestServer.class)
class RedisGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	private static LettuceConnectionFactory factory;

	private static LettuceConnectionFactory otherFactory;

	private static int namespaces;

	@BeforeAll
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
		otherFactory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterAll
	static void disconnect() {
		factory.destroy();
		otherFactory.destroy();
		factory = null;
	}

	@Override
	protected StateBackend newBackend(Path scratch) {
		if (factory == null) {
			// a jqwik property: started outside JUnit's lifecycle, so @BeforeAll has not run
			connect();
		}
		return RedisBackend.builder(factory)
			.namespace("group-behaviour-" + ProcessHandle.current().pid() + "-" + (++namespaces))
			.build();
	}

	@Override
	protected StateBackend sameStore(StateBackend first) {
		return RedisBackend.builder(otherFactory).namespace(((RedisBackend) first).namespace()).build();
	}

}
