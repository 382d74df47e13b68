package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 points 5 and 6, DESIGN §18: Redis restarted without persistence comes back empty.
 * Two idle instances (one with a near cache) notice on their own, without a new write: each
 * listener hears exactly one resync, within a few seconds; the near cache is dropped (no stale
 * read); {@code revision()} reports the namespace's revision now; commits made afterwards are
 * heard as usual. Runs its own embedded Redis (the binary the test dependency ships), which it
 * stops and starts on the same port.
 */
class RedisEmptyRestartTest {

	@Test
	void idleInstancesResyncOnceEachWhenRedisComesBackEmpty() throws Exception {
		try (RestartableRedis server = RestartableRedis.running()) {
			List<StateController> controllers = plainAndCached(server, "restart", "plain", "cached");
			List<List<StateEvent>> heard = heardBy(controllers);
			for (int i = 1; i <= 20; i++) {
				controllers.get(i % 2).set("/x", i);
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> heard.get(0).size() == 20 && heard.get(1).size() == 20);
			assertThat(controllers.get(1).get("/x")).as("read through the near cache").isEqualTo(20);
			assertThat(controllers).allSatisfy((c) -> assertThat(c.revision()).isEqualTo(20));

			server.stop();
			long restarted = System.nanoTime();
			server.start();
			// nobody writes: each instance notices the namespace went back on its own
			await().atMost(Duration.ofSeconds(10))
				.until(() -> heard.stream().allMatch((events) -> events.stream().anyMatch(StateEvent::isResync)));
			long millis = (System.nanoTime() - restarted) / 1_000_000;
			System.out.printf("RedisEmptyRestartTest: both instances resynchronised within %d ms of the restart%n",
					millis);
			// and only once each, however long it stays idle
			await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(30))
				.until(() -> heard.stream().allMatch((events) -> events.stream().filter(StateEvent::isResync).count() == 1));
			for (int i = 0; i < 2; i++) {
				StateEvent resync = heard.get(i).get(20);
				assertThat(resync.isResync()).isTrue();
				assertThat(resync.revision()).as("the resync carries the namespace's revision now").isZero();
				assertThat(controllers.get(i).revision()).as("revision() after the restart").isZero();
			}
			assertThat(controllers.get(1).get("/x")).as("no stale read from the near cache").isNull();
			assertThat(controllers.get(0).get("/x")).isNull();

			// commits made after the restart are heard as usual, from revision 1
			controllers.get(0).set("/y", "after");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> heard.get(0).size() == 22 && heard.get(1).size() == 22);
			for (int i = 0; i < 2; i++) {
				StateEvent after = heard.get(i).get(21);
				assertThat(after.isResync()).isFalse();
				assertThat(after.revision()).isEqualTo(1);
				assertThat(after.newValue()).isEqualTo("after");
			}
			assertThat(controllers.get(1).get("/y")).isEqualTo("after");
		}
	}

	/**
	 * An instance that writes at once after Redis came back empty, before its feed noticed (break
	 * test of issue 19: the writer's listener heard its new revisions 1, 2, 3 after revision 8 and
	 * before the resync, and {@code revision()} could stay at 1): every listener hears a resync
	 * before the first commit after the restart and every revision in order, resyncs included; the
	 * writer hears each of its new commits once, the other instance each at most once (those made
	 * before it noticed are covered by its resync); {@code revision()} ends at the namespace's, below
	 * the one before the restart. Three restarts.
	 */
	@Test
	void writesRightAfterAnEmptyRestartAreHeardAfterAResyncInRevisionOrder() throws Exception {
		try (RestartableRedis server = RestartableRedis.running()) {
			List<StateController> controllers = plainAndCached(server, "rewrite", "writer", "reader");
			List<List<StateEvent>> heard = heardBy(controllers);
			for (int round = 0; round < 3; round++) {
				for (int i = 1; i <= 8; i++) {
					controllers.get(i % 2).set("/old", "v" + round + "-" + i);
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> controllers.stream().allMatch((c) -> c.revision() == 8));
				assertThat(controllers.get(1).get("/old")).isEqualTo("v" + round + "-8");
				int[] sizeBefore = { heard.get(0).size(), heard.get(1).size() };
				server.restart();
				// the writer writes at once, before its feed's next look at the namespace
				List<Object> written = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					int value = 100 * (round + 1) + i;
					await().atMost(Duration.ofSeconds(10))
						.ignoreExceptions()
						.until(() -> controllers.get(0).set("/x", value) || true);
					written.add(value);
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> controllers.stream().allMatch((c) -> c.revision() == 4)
							&& heard.get(0).stream().skip(sizeBefore[0]).anyMatch(StateEvent::isResync)
							&& heard.get(1).stream().skip(sizeBefore[1]).anyMatch(StateEvent::isResync)
							&& written.get(3).equals(controllers.get(1).get("/x")));
				await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> true);
				for (int i = 0; i < 2; i++) {
					List<StateEvent> after = List.copyOf(heard.get(i).subList(sizeBefore[i], heard.get(i).size()));
					assertThat(after).as("instance %d after restart %d", i, round).isNotEmpty();
					assertThat(after.get(0).isResync()).as("instance %d hears the resync first: %s", i, after).isTrue();
					assertThat(after).extracting(StateEvent::revision)
						.as("instance %d hears revisions in order after restart %d: %s", i, round, after)
						.isSorted();
					List<Object> values = new ArrayList<>();
					for (StateEvent event : after) {
						if (!event.isResync()) {
							values.add(event.newValue());
						}
					}
					if (i == 0) {
						assertThat(values).as("the writer hears each of its commits once").isEqualTo(written);
					}
					else {
						// a resync that arrives after all four writes carries them in its state: none
						// is heard then (AssertJ's containsSubsequence refuses an empty group)
						if (!values.isEmpty()) {
							assertThat(written).as("the reader hears commits at most once, in order").containsSubsequence(values);
						}
						assertThat(values).doesNotHaveDuplicates();
					}
					assertThat(controllers.get(i).revision()).as("revision() of instance %d", i).isEqualTo(4);
				}
				assertThat(controllers.get(1).get("/old")).as("no stale read through the near cache").isNull();
				controllers.get(0).delete("/x");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> controllers.stream().allMatch((c) -> c.revision() == 5));
				// the next round starts from an empty namespace again: 8 more, then a restart
				server.restart();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> controllers.stream().allMatch((c) -> c.revision() == 0));
			}
		}
	}

	/**
	 * Two instances on one namespace: the first on Redis, the second behind a near cache.
	 * @return both, closed with the server
	 */
	private static List<StateController> plainAndCached(RestartableRedis server, String namespace, String plainId,
			String cachedId) {
		RedisBackend plain = RedisBackend.builder(server.newConnectionFactory()).namespace(namespace).build();
		RedisBackend cached = RedisBackend.builder(server.newConnectionFactory()).namespace(namespace).build();
		return List.of(server.closing(StateController.builder().backend(plain).instanceId(plainId).build()),
				server.closing(StateController.builder()
					.backend(new CachingBackend(cached, CachePolicy.defaults()))
					.instanceId(cachedId)
					.build()));
	}

	/** Subscribes to everything on each controller: what each heard, in the controllers' order. */
	private static List<List<StateEvent>> heardBy(List<StateController> controllers) {
		List<List<StateEvent>> heard = new ArrayList<>();
		for (StateController controller : controllers) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			controller.subscribe("/**", events::add);
			heard.add(events);
		}
		return heard;
	}

}
