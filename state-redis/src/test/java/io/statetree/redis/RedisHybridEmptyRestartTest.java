package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 point 6 through a hybrid, DESIGN §18: a Redis mount (behind a near cache) inside a
 * {@link HybridBackend} whose root is in memory. Redis is restarted without persistence and comes
 * back empty while nobody writes: the hybrid's listener hears exactly one resync, carrying the
 * hybrid's revision now (moved back with the mount's), {@code revision()} reports it, the near
 * cache is dropped (no stale read of the mount), and commits
 * made afterwards are heard from revision 1 as usual. Runs its own embedded Redis, which it stops
 * and starts on the same port.
 */
class RedisHybridEmptyRestartTest {

	@Test
	void aRedisMountInsideAHybridMovesTheRevisionBackWhenRedisComesBackEmpty() throws Exception {
		try (RestartableRedis server = RestartableRedis.running()) {
			RedisBackend mounted = RedisBackend.builder(server.newConnectionFactory()).namespace("hybrid").build();
			HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/shared",
					new CachingBackend(mounted, CachePolicy.defaults()));
			StateController h = server.closing(StateController.builder().backend(hybrid).instanceId("hybrid").build());
			StateController writer = server.closing(StateController.builder()
				.backend(RedisBackend.builder(server.newConnectionFactory()).namespace("hybrid").build())
				.instanceId("writer")
				.build());
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			h.subscribe("/**", heard::add);

			for (int i = 1; i <= 20; i++) {
				writer.set("/x", i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 20);
			assertThat(heard).extracting(StateEvent::path).allMatch((p) -> p.toString().equals("/shared/x"));
			assertThat(h.get("/shared/x")).as("read through the near cache").isEqualTo(20);
			assertThat(h.revision()).isEqualTo(20);

			server.restart();
			// nobody writes: the mount's feed notices on its own
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream().anyMatch(StateEvent::isResync));
			await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(30))
				.until(() -> heard.stream().filter(StateEvent::isResync).count() == 1);
			StateEvent resync = heard.get(20);
			assertThat(resync.isResync()).isTrue();
			assertThat(resync.revision()).as("the resync carries the hybrid's revision now").isZero();
			assertThat(h.revision()).as("revision() after the restart").isZero();
			assertThat(h.get("/shared/x")).as("no stale read through the near cache").isNull();
			assertThat(h.get("/shared")).isNull();

			// commits made afterwards are heard as usual, from revision 1
			writer.set("/y", "after");
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 22);
			StateEvent after = heard.get(21);
			assertThat(after.isResync()).isFalse();
			assertThat(after.path().toString()).isEqualTo("/shared/y");
			assertThat(after.revision()).isEqualTo(1);
			assertThat(h.get("/shared/y")).isEqualTo("after");
			assertThat(h.revision()).isEqualTo(1);
		}
	}

}
