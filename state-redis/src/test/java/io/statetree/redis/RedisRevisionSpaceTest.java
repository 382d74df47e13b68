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
import io.statetree.core.backend.StateBackend;
import io.statetree.core.internal.ControllerInternals;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StateBackend#hasOneRevisionSpace()} with Redis: Redis and a near cache in front of it
 * number every commit in the namespace's one space ({@code true}); a hybrid with a Redis root or
 * mount numbers its own commits apart ({@code false}), and so does a near cache in front of that
 * hybrid. What the answer decides: a hybrid instance whose Redis mount brought other instances'
 * revisions 1 to 5 commits to its memory root as its own revision 1; that is no move back, so its
 * listener hears no resync, also through a near cache in front of the hybrid (which the class
 * check this capability replaced let through as a move back).
 */
@ExtendWith(RedisTestServer.class)
class RedisRevisionSpaceTest {

	@Test
	void redisHasOneRevisionSpaceAndAHybridOverItNumbersItsCommitsApart(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		RedisBackend root = RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build();
		RedisBackend mounted = RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace + "m").build();
		try (root; mounted) {
			assertThat(root.hasOneRevisionSpace()).isTrue();
			assertThat(new CachingBackend(root, CachePolicy.defaults()).hasOneRevisionSpace()).isTrue();
			HybridBackend rootedInRedis = new HybridBackend(root);
			assertThat(rootedInRedis.hasOneRevisionSpace()).as("a Redis root").isFalse();
			HybridBackend withMount = new HybridBackend(new InMemoryBackend()).mount("/shared", mounted);
			assertThat(withMount.hasOneRevisionSpace()).as("a Redis mount").isFalse();
			assertThat(new CachingBackend(withMount, CachePolicy.defaults()).hasOneRevisionSpace())
				.as("a near cache in front of the hybrid").isFalse();
			HybridBackend cachedMount = new HybridBackend(new InMemoryBackend()).mount("/shared",
					new CachingBackend(mounted, CachePolicy.defaults()));
			assertThat(cachedMount.hasOneRevisionSpace()).as("a Redis mount behind a near cache").isFalse();
		}
	}

	@ParameterizedTest(name = "near cache in front of the hybrid: {0}")
	@ValueSource(booleans = { false, true })
	void aHybridsOwnCommitBelowItsMountsRevisionsIsNoMoveBack(boolean cached, RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/shared",
				RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build());
		StateBackend backend = cached ? new CachingBackend(hybrid, CachePolicy.defaults()) : hybrid;
		StateController h = StateController.builder().backend(backend).instanceId("hybrid").build();
		StateController writer = StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
			.instanceId("writer")
			.build();
		try {
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			h.subscribe("/**", heard::add);
			for (int i = 1; i <= 5; i++) {
				writer.set("/x", i);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 5);

			h.set("/local", "mine");
			ControllerInternals.awaitDispatch(h, 10_000);
			assertThat(heard).as("events heard").noneMatch(StateEvent::isResync);
			assertThat(heard).hasSize(6);
			assertThat(heard.get(5).path().toString()).isEqualTo("/local");
			assertThat(heard.get(5).newValue()).isEqualTo("mine");
			assertThat(h.get("/shared/x")).isEqualTo(5);
			assertThat(h.get("/local")).isEqualTo("mine");
		}
		finally {
			h.close();
			writer.close();
		}
	}

}
