package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 (the revisions an instance remembers as its own, {@link OwnRevisions}), DESIGN §18:
 * instance A commits revisions 1 to 40; Redis comes back empty, and revisions are counted from 0
 * again. Instance B then commits revisions 1 to 40 while A's feed is stopped, and the short
 * retention trims the stream's first entries away before A reads them. Those revision numbers
 * were A's own before the restart, but not now: A must not pass over B's trimmed commits as its
 * own (a silent loss); it hears them all, or one resync in their place. Runs its own embedded
 * Redis (stream nodes of 10 entries, so trimming is close to exact), which it stops and starts on the
 * same port.
 */
class RedisReusedRevisionsTest {

	@Test
	void anotherInstancesCommitsUnderNumbersThisInstanceUsedBeforeTheRestartAreNotPassedOver() throws Exception {
		// small stream nodes, so that trimming to the retention of 10 drops entries at once
		try (RestartableRedis server = RestartableRedis.running("stream-node-max-entries 10")) {
			RedisBackend backendA = RedisBackend.builder(server.newConnectionFactory())
				.namespace("reuse")
				.feedRetention(10)
				.build();
			StateController a = server.closing(StateController.builder().backend(backendA).instanceId("a").build());
			StateController b = server.closing(StateController.builder()
				.backend(RedisBackend.builder(server.newConnectionFactory()).namespace("reuse").feedRetention(10).build())
				.instanceId("b")
				.build());
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			a.subscribe("/**", heard::add);
			for (int i = 1; i <= 40; i++) {
				a.set("/a", i);
			}
			assertThat(a.revision()).isEqualTo(40);

			server.restart();
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream().anyMatch(StateEvent::isResync));
			int restartedAt = indexOfFirstResync(heard);
			assertThat(heard.get(restartedAt).revision()).as("the namespace moved back to 0").isZero();
			assertThat(backendA.stopFeed(Duration.ofSeconds(5))).isTrue();

			for (int i = 1; i <= 40; i++) {
				b.set("/b", i);
			}
			assertThat(b.revision()).isEqualTo(40);
			backendA.startFeed();

			await().atMost(Duration.ofSeconds(10)).until(() -> {
				List<StateEvent> after = heard.subList(restartedAt + 1, heard.size());
				return after.stream().anyMatch((e) -> e.isResync() || e.revision() == 40);
			});
			List<StateEvent> after = List.copyOf(heard.subList(restartedAt + 1, heard.size()));
			if (!after.get(0).isResync()) {
				// the stream still held them all: every one heard, in order
				assertThat(after).extracting(StateEvent::revision)
					.as("B's commits heard by A")
					.containsExactlyElementsOf(revisions(1, 40));
			}
			else {
				assertThat(after.get(0).revision()).as("the resync carries the namespace's revision").isEqualTo(40);
			}
			assertThat(a.get("/b")).isEqualTo(40);
			assertThat(a.revision()).isEqualTo(40);
		}
	}

	private static int indexOfFirstResync(List<StateEvent> events) {
		for (int i = 0; i < events.size(); i++) {
			if (events.get(i).isResync()) {
				return i;
			}
		}
		throw new AssertionError("no resync");
	}

	private static List<Long> revisions(long from, long to) {
		List<Long> all = new ArrayList<>();
		for (long r = from; r <= to; r++) {
			all.add(r);
		}
		return all;
	}

}
