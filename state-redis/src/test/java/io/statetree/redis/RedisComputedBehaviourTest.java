package io.statetree.redis;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.AbstractComputedBehaviourTest;
import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The computed-value suite on {@link RedisBackend}, each controller in a fresh namespace; plus a
 * value invalidated by another instance's commit.
 */
@ExtendWith(RedisTestServer.class)
class RedisComputedBehaviourTest extends AbstractComputedBehaviourTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("computed");

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
	protected int writerCommits() {
		return 300;
	}

	@Test
	void anotherInstancesCommitInvalidatesTheValue() {
		String namespace = REDIS.newNamespace();
		try (StateController one = StateController.builder().backend(REDIS.backend(0, namespace)).build();
				StateController two = StateController.builder().backend(REDIS.backend(0, namespace)).build()) {
			one.set("/a", 1);
			AtomicInteger calls = new AtomicInteger();
			Computed<Object> computed = one.computed((view) -> {
				calls.incrementAndGet();
				return view.get("/a");
			});
			assertThat(computed.get()).isEqualTo(1);
			two.set("/b", 7);
			two.set("/a", 2);
			await().untilAsserted(() -> assertThat(computed.get()).isEqualTo(2));
			int afterChange = calls.get();
			assertThat(computed.get()).isEqualTo(2);
			assertThat(calls.get()).as("memoised again once the change was heard").isEqualTo(afterChange);
		}
	}

}
