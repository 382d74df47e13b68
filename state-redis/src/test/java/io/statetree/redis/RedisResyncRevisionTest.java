package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 point 5: after a resync (the entries a reader missed were trimmed from the stream) the
 * reader's {@code revision()} and the resync event carry the namespace's current revision, not
 * the last one the reader had heard. With and without a near cache in front of Redis.
 */
@ExtendWith(RedisTestServer.class)
class RedisResyncRevisionTest {

	private static final int WRITES = 1_000;

	@ParameterizedTest(name = "near cache: {0}")
	@ValueSource(booleans = { false, true })
	void afterAResyncTheReadersRevisionAndItsResyncEventAreTheNamespaces(boolean nearCache, RedisTestServer redis) {
		String namespace = redis.newNamespace();
		RedisBackend readerRedis = RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build();
		StateBackend readerBackend = nearCache ? new CachingBackend(readerRedis, CachePolicy.defaults()) : readerRedis;
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		try (StateController writer = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).feedRetention(50).build())
			.instanceId("writer")
			.build();
				StateController reader = StateController.builder()
					.backend(readerBackend)
					.instanceId("reader")
					.build()) {
			reader.subscribe("/**", heard::add);
			writer.set("/x", 0);
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
			assertThat(reader.get("/x")).isEqualTo(0);
			assertThat(readerRedis.stopFeed(Duration.ofSeconds(10))).isTrue();
			for (int i = 1; i <= WRITES; i++) {
				writer.set("/x", i);
			}
			long namespaceRevision = writer.revision();
			assertThat(namespaceRevision).isEqualTo(WRITES + 1);
			readerRedis.startFeed();
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= 2);
			StateEvent resync = heard.get(1);
			assertThat(resync.isResync()).as("the gap was trimmed: a resync").isTrue();
			assertThat(resync.revision()).as("the resync's revision").isEqualTo(namespaceRevision);
			assertThat(reader.revision()).as("the reader's revision after the resync").isEqualTo(namespaceRevision);
			assertThat(reader.get("/x")).as("no stale read").isEqualTo(WRITES);
			// and it goes on from there: the next commit is heard with the next revision
			writer.set("/x", -1);
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= 3);
			assertThat(heard.get(2).revision()).isEqualTo(namespaceRevision + 1);
			assertThat(reader.revision()).isEqualTo(namespaceRevision + 1);
			assertThat(heard).hasSize(3);
		}
	}

}
