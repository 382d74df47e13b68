package io.statetree.redis;

import io.statetree.core.AbstractHeldBatchBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The held-batch suite (a transaction's batch, DESIGN §14) on {@link RedisBackend}: a backend
 * without snapshots, whose commits check the batch's reads in commit.lua; each controller in a
 * fresh namespace.
 */
@ExtendWith(RedisTestServer.class)
class RedisHeldBatchBehaviourTest extends AbstractHeldBatchBehaviourTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("held");

	@BeforeAll
	static void connect() {
		REDIS.connect();
	}

	@AfterAll
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected StateBackend newBackend() {
		return REDIS.newBackend();
	}

}
