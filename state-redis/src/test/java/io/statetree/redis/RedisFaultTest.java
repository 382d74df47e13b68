package io.statetree.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Redis unreachable at start and while running. Uses its own embedded server, which it stops and
 * starts, so the shared test server is not disturbed.
 */
@ExtendWith(RedisTestServer.class)
class RedisFaultTest {

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static LettuceConnectionFactory factory(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Test
	void unreachableAtStartFailsNamingTheConnection() throws IOException {
		int port = freePort();
		LettuceConnectionFactory factory = factory(port);
		try {
			assertThatThrownBy(() -> RedisBackend.builder(factory).namespace("down").build())
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("127.0.0.1:" + port)
				.hasMessageContaining("down");
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void unreachableWhileRunningFailsClearlyAndRecovers() throws Exception {
		int port = freePort();
		RedisServer server = RedisServer.newRedisServer().bind("127.0.0.1").port(port).setting("save \"\"").build();
		server.start();
		LettuceConnectionFactory factory = factory(port);
		try (RedisBackend backend = RedisBackend.builder(factory).namespace("faults").build()) {
			backend.commit(request("/a", 1));
			backend.setBackendListener(new BackendListener() {
				@Override
				public void onRemoteCommit(RemoteCommit commit) {
				}

				@Override
				public void onResync() {
				}
			});
			server.stop();
			assertThatThrownBy(() -> backend.commit(request("/a", 2)))
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("127.0.0.1:" + port);
			assertThatThrownBy(() -> backend.read(StatePath.of("/a")))
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("127.0.0.1:" + port);
			assertThatThrownBy(backend::check)
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("127.0.0.1:" + port);
			server.start();
			await("the feed reconnects").atMost(Duration.ofSeconds(30)).until(backend::isFeedAlive);
			// the client reconnects its shared connection with a back-off of its own
			await("a commit succeeds again").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptionsInstanceOf(StateStorageException.class)
				.untilAsserted(() -> backend.commit(request("/b", 3)));
			assertThat(backend.read(StatePath.of("/b"))).isEqualTo(3);
			backend.check();
		}
		finally {
			factory.destroy();
			server.stop();
		}
	}

	private static CommitRequest request(String path, Object value) {
		return new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t");
	}

}
