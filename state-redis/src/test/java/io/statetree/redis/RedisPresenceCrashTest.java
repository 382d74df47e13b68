package io.statetree.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.ChildJvm;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM writes an ephemeral {@code /presence/child} and is killed with SIGKILL while three
 * controllers of the namespace are alive: once its lease (2 s) has run out, one survivor's sweep
 * deletes the entry with exactly one expiry commit, within lease timeout + 1 s, and every survivor
 * hears it once.
 */
@ExtendWith(RedisTestServer.class)
class RedisPresenceCrashTest {

	private static final long LEASE_MILLIS = 2_000;

	@Test
	void aSurvivorDeletesTheEphemeralEntryOfAKilledInstanceOnce(RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		List<StateController> survivors = new ArrayList<>();
		List<List<StateEvent>> heard = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			StateController c = StateController.builder()
				.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
				.instanceId("survivor-" + i)
				.build();
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			c.subscribe("/presence/*", events::add);
			survivors.add(c);
			heard.add(events);
		}
		ChildJvm process = startChild(RedisTestServer.endpoint(), namespace);
		try {
			Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "online".equals(survivors.get(0).get(
					"/presence/child")));
			assertThat(process.isAlive()).isTrue();
			process.kill();
			assertThat(process.waitFor(Duration.ofSeconds(30))).isTrue();
			long killed = System.nanoTime();
			// the lease was renewed at most now: gone within the lease timeout, then swept within 1 s
			Awaitility.await()
				.atMost(Duration.ofMillis(LEASE_MILLIS + 1_000))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> survivors.get(1).get("/presence/child") == null
						&& survivors.get(1).history(0, 100).stream().anyMatch(Commit::expiry));
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
			assertThat(tookMillis).isLessThanOrEqualTo(LEASE_MILLIS + 1_000);
			for (List<StateEvent> events : heard) {
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(StateEvent::isExpiry));
			}
			// nothing more comes: one expiry commit, heard once by each survivor
			Awaitility.await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
			for (List<StateEvent> events : heard) {
				assertThat(events.stream().filter(StateEvent::isExpiry).map((e) -> e.path().toString()).toList())
					.containsExactly("/presence/child");
			}
			List<Commit> expiries = survivors.get(2).history(0, 100).stream().filter(Commit::expiry).toList();
			assertThat(expiries).hasSize(1);
			assertThat(expiries.get(0).changes()).extracting((p) -> p.path().toString()).containsExactly("/presence/child");
			// made by a survivor's sweep: the origin is its backend (its instance id once it committed)
			assertThat(expiries.get(0).origin()).isNotEqualTo("child");
		}
		finally {
			process.close();
			for (StateController c : survivors) {
				c.close();
			}
		}
	}

	private static ChildJvm startChild(RedisTestServer.Endpoint endpoint, String namespace) throws IOException {
		return ChildJvm.start(PresenceCrashWorker.class, endpoint.host(), Integer.toString(endpoint.port()), namespace,
				Long.toString(LEASE_MILLIS));
	}

}
