package io.statetree.redis;

import io.statetree.core.AbstractControllerBehaviourTest;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller behaviour suite on {@link RedisBackend}, each test in a fresh namespace.
 */
@ExtendWith(RedisTestServer.class)
class RedisControllerBehaviourTest extends AbstractControllerBehaviourTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("behaviour");

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

	@org.junit.jupiter.api.Test
	void aWriteOnAnInterruptedThreadThrowsOnlyBeforeItsCommit() throws Exception {
		try (io.statetree.core.StateController c = io.statetree.core.StateController.builder()
			.backend(newBackend())
			.build()) {
			java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
			try {
				Object outcome = pool.submit(() -> {
					Thread.currentThread().interrupt();
					try {
						return c.set("/x", 1);
					}
					catch (RuntimeException ex) {
						return ex;
					}
					finally {
						Thread.interrupted();
					}
				}).get(20, java.util.concurrent.TimeUnit.SECONDS);
				if (outcome instanceof RuntimeException) {
					org.assertj.core.api.Assertions.assertThat(c.get("/x")).as("thrown after the commit: " + outcome).isNull();
				}
				else {
					org.assertj.core.api.Assertions.assertThat(outcome).isEqualTo(Boolean.TRUE);
					org.assertj.core.api.Assertions.assertThat(c.get("/x")).isEqualTo(1);
				}
			}
			finally {
				pool.shutdownNow();
			}
		}
	}

	@Override
	protected double concurrencyScale() {
		// every update is a read and a compare-and-set round trip to the server
		return 0.05;
	}

}
