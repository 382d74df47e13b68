package io.statetree.redis;

import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.AbstractHeldBatchBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The held-batch suite (a transaction's batch, DESIGN §14) on {@link RedisBackend}: a backend
 * without snapshots, whose commits check the batch's reads in commit.lua; each controller in a
 * fresh namespace.
 */
@ExtendWith(RedisTestServer.class)
class RedisHeldBatchBehaviourTest extends AbstractHeldBatchBehaviourTest {

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private static LettuceConnectionFactory factory;

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
	protected StateBackend newBackend() {
		if (factory == null) {
			// a jqwik property: started outside JUnit's lifecycle, so @BeforeAll has not run
			connect();
		}
		return RedisBackend.builder(factory)
			.namespace("held-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet())
			.build();
	}

}
