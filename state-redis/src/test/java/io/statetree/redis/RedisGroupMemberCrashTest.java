package io.statetree.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.ChildJvm;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.SubscribeOptions;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM member of a group is killed with SIGKILL while its listener handles an event: the
 * other member (this JVM) handles that event within claim timeout + 5 s, once.
 */
@ExtendWith(RedisTestServer.class)
class RedisGroupMemberCrashTest {

	private static final long CLAIM_TIMEOUT_MILLIS = 2_000;

	@Test
	void anotherMemberHandlesTheEventOfAKilledMember(RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		ChildJvm process = startChild(RedisTestServer.endpoint(), namespace);
		try (StateController survivor = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
			.instanceId("survivor")
			.groupClaimTimeout(Duration.ofMillis(CLAIM_TIMEOUT_MILLIS))
			.build()) {
			await().atMost(Duration.ofSeconds(60)).until(() -> printed(process, "READY"));
			assertThat(survivor.set("/jobs/42", "welcome")).isTrue();
			List<io.statetree.core.Commit> commits = survivor.history(0, 100);
			long revision = commits.get(commits.size() - 1).revision();
			await().atMost(Duration.ofSeconds(30)).until(() -> printed(process, "HANDLING " + revision));
			// the survivor joins while the child is busy with the event: the child keeps that partition
			List<StateEvent> handled = new CopyOnWriteArrayList<>();
			survivor.subscribe("/jobs/{id}", handled::add, SubscribeOptions.group("mail"));
			assertThat(process.isAlive()).isTrue();
			process.kill();
			assertThat(process.waitFor(Duration.ofSeconds(30))).isTrue();
			long killed = System.nanoTime();
			await().atMost(Duration.ofMillis(CLAIM_TIMEOUT_MILLIS + 5_000))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> !handled.isEmpty());
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed))
				.isLessThanOrEqualTo(CLAIM_TIMEOUT_MILLIS + 5_000);
			assertThat(handled.get(0).revision()).isEqualTo(revision);
			assertThat(handled.get(0).path().toString()).isEqualTo("/jobs/42");
			assertThat(handled.get(0).newValue()).isEqualTo("welcome");
			// handled once: a later write to the same key is handled after every call of the earlier
			// event (one key, one call at a time, in revision order), so no fixed wait for a second one
			assertThat(survivor.set("/jobs/42", "again")).isTrue();
			long again = survivor.revision();
			await().atMost(Duration.ofSeconds(30)).until(() -> handled.stream().anyMatch((e) -> e.revision() == again));
			assertThat(handled).extracting(StateEvent::revision).containsExactly(revision, again);
			assertThat(survivor.deadLetters("mail")).isEmpty();
		}
		finally {
			process.close();
		}
	}

	private static ChildJvm startChild(RedisTestServer.Endpoint endpoint, String namespace) throws IOException {
		return ChildJvm.start(GroupMemberCrashWorker.class, endpoint.host(), Integer.toString(endpoint.port()),
				namespace, Long.toString(CLAIM_TIMEOUT_MILLIS));
	}

	private static boolean printed(ChildJvm child, String line) {
		return child.lines().stream().anyMatch((printed) -> printed.trim().equals(line));
	}

}
