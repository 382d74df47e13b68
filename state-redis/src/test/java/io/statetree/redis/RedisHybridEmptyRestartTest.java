package io.statetree.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.embedded.RedisServer;

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
		int port = freePort();
		RedisServer server = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		List<StateController> controllers = new ArrayList<>();
		try {
			factories.add(factory(port));
			factories.add(factory(port));
			RedisBackend mounted = RedisBackend.builder(factories.get(0)).namespace("hybrid").build();
			HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/shared",
					new CachingBackend(mounted, CachePolicy.defaults()));
			StateController h = StateController.builder().backend(hybrid).instanceId("hybrid").build();
			controllers.add(h);
			StateController writer = StateController.builder()
				.backend(RedisBackend.builder(factories.get(1)).namespace("hybrid").build())
				.instanceId("writer")
				.build();
			controllers.add(writer);
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			h.subscribe("/**", heard::add);

			for (int i = 1; i <= 20; i++) {
				writer.set("/x", i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 20);
			assertThat(heard).extracting(StateEvent::path).allMatch((p) -> p.toString().equals("/shared/x"));
			assertThat(h.get("/shared/x")).as("read through the near cache").isEqualTo(20);
			assertThat(h.revision()).isEqualTo(20);

			server.stop();
			server.start();
			// nobody writes: the mount's feed notices on its own
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream().anyMatch(StateEvent::isResync));
			await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
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
		finally {
			controllers.forEach(StateController::close);
			factories.forEach(LettuceConnectionFactory::destroy);
			server.stop();
		}
	}

	private static LettuceConnectionFactory factory(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
