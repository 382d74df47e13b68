package io.statetree.redis;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A commit that changes nothing (a delete of an absent path, an equal write beside a real one in a
 * batch, then alone) makes no revision and no event on Redis, directly and through a write-through
 * near cache, with listeners dispatched synchronously and asynchronously (DESIGN §4, §5). The near
 * cache used to answer such a commit with its last revision; the controller took that for the
 * namespace's revision moving back (DESIGN §18) and delivered a resync event at the revision
 * before, whose new value {@code null} disagreed with every read, and its revision went one back.
 */
class RedisNoOpCommitTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("noop");

	@BeforeAll
	static void connect() {
		REDIS.connect();
	}

	@AfterAll
	static void disconnect() {
		REDIS.disconnect();
	}

	static List<Arguments> configurations() {
		return List.of(Arguments.of(false, StateController.Dispatch.SYNC),
				Arguments.of(false, StateController.Dispatch.ASYNC), Arguments.of(true, StateController.Dispatch.SYNC),
				Arguments.of(true, StateController.Dispatch.ASYNC));
	}

	private static StateController controller(boolean nearCache, StateController.Dispatch dispatch) {
		StateBackend redis = REDIS.newBackend();
		return StateController.builder()
			.backend(nearCache ? new CachingBackend(redis, CachePolicy.defaults()) : redis)
			.dispatch(dispatch)
			.build();
	}

	@ParameterizedTest(name = "near cache {0}, {1}")
	@MethodSource("configurations")
	void deletingAnAbsentPathAfterASetMakesNoEventAndNoRevision(boolean nearCache, StateController.Dispatch dispatch)
			throws Exception {
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try (StateController c = controller(nearCache, dispatch)) {
			c.subscribe("/**", events::add);
			assertThat(c.set("/a/x", BigDecimal.ONE)).isTrue();
			long revision = c.revision();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events).hasSize(1));

			assertThat(c.delete("/a/y")).as("the delete changed nothing").isFalse();

			assertThat(c.revision()).as("no revision, and none moved back").isEqualTo(revision);
			assertThat(c.get("/a/x")).isEqualTo(BigDecimal.ONE);
			assertThat(c.getVersioned("/a/x").revision()).isEqualTo(revision);
			// a later commit's events, heard after any the delete made
			c.set("/z", 1);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events).hasSizeGreaterThan(1)
				.last()
				.satisfies((last) -> assertThat(last.path().toString()).isEqualTo("/z")));
			assertThat(events).as("no event for the delete, no resync").hasSize(2);
			StateEvent set = events.get(0);
			assertThat(set.isResync()).isFalse();
			assertThat(set.path().toString()).isEqualTo("/a/x");
			assertThat(set.newValue()).isEqualTo(BigDecimal.ONE);
			assertThat(set.revision()).isEqualTo(revision);
			assertThat(events.get(1).revision()).isEqualTo(revision + 1);
		}
	}

	@ParameterizedTest(name = "near cache {0}, {1}")
	@MethodSource("configurations")
	void anEqualWriteBesideARealOneAndThenAloneMakesNoEventOfItsOwn(boolean nearCache,
			StateController.Dispatch dispatch) throws Exception {
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try (StateController c = controller(nearCache, dispatch)) {
			c.subscribe("/**", events::add);
			c.set("/tick", 0);
			Map<String, Object> object = new LinkedHashMap<>();
			object.put("q", "text");
			c.batch(() -> {
				c.set("/o", object);
				c.set("/tick", 0);
			});
			long revision = c.revision();
			assertThat(c.set("/tick", 0)).isFalse();
			assertThat(c.setAll(Map.of("/tick", 0))).isFalse();
			assertThat(c.revision()).isEqualTo(revision);
			c.set("/z", 1);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events).isNotEmpty()
				.last()
				.satisfies((last) -> assertThat(last.path().toString()).isEqualTo("/z")));
			assertThat(events).noneMatch(StateEvent::isResync);
			assertThat(events).extracting((event) -> event.path().toString())
				.containsExactly("/tick", "/o/q", "/o", "/z");
			assertThat(events).extracting(StateEvent::revision)
				.containsExactly(revision - 1, revision, revision, revision + 1);
			assertThat(c.get("/o")).isEqualTo(object);
		}
	}

}
