package io.statetree.core.break20;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.awaitility.Awaitility;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 20's derivation commit path on Redis: the same random derivation graphs and commits as
 * {@code DerivationEventsModelPropertiesTest} (chains, diamonds, siblings under one branch,
 * destinations the user writes, equalities, tracked derivations changing their sources), checked
 * against the same plain model: the tree, and exactly one event per changed leaf per commit with
 * the right old and new values and revision. A second instance on the same namespace, with no
 * derivations of its own, must hear the same changes, per revision, in revision order. Each try
 * uses a fresh namespace of the embedded (or configured) Redis server.
 */
class RedisDerivationEventsModelPropertiesTest {

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private static LettuceConnectionFactory factory;

	@BeforeContainer
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterContainer
	static void disconnect() {
		if (factory != null) {
			factory.destroy();
		}
	}

	@Provide
	Arbitrary<DerivationScenario.Scenario> scenarios() {
		return DerivationScenario.scenarios();
	}

	@Property(tries = 80)
	void onRedis(@ForAll("scenarios") DerivationScenario.Scenario scenario) {
		String namespace = "break20-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		Set<String> watched = DerivationScenario.watched(scenario);
		List<StateEvent> remote = new CopyOnWriteArrayList<>();
		try (StateController observer = StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId("observer")
			.build();
				StateController state = StateController.builder()
					.backend(RedisBackend.builder(factory).namespace(namespace).build())
					.instanceId("writer")
					.dispatch(StateController.Dispatch.SYNC)
					.onError(StateController.OnError.RETHROW)
					.build()) {
			observer.subscribe("/**", (event) -> {
				if (event.path().equals(event.emittingPath()) && watched.contains(event.path().toString())) {
					remote.add(event);
				}
			});
			Map<Long, Map<String, String>> expected = DerivationScenario.check(state, scenario);
			long first = expected.isEmpty() ? Long.MAX_VALUE : expected.keySet().iterator().next();
			int total = expected.values().stream().mapToInt(Map::size).sum();
			Awaitility.await().atMost(Duration.ofSeconds(30))
				.until(() -> remote.stream().filter((e) -> e.revision() >= first).count() >= total);
			Map<Long, Map<String, String>> heard = new TreeMap<>();
			long last = 0;
			for (StateEvent event : remote) {
				assertThat(event.revision()).as("the other instance hears in revision order").isGreaterThanOrEqualTo(last);
				last = event.revision();
				if (event.revision() < first) {
					continue;
				}
				String change = Break20Support.ordered(event.prevValue()) + " -> " + Break20Support.ordered(event.newValue());
				if (heard.computeIfAbsent(event.revision(), (r) -> new TreeMap<>()).put(event.path().toString(), change) != null) {
					fail("the other instance heard " + event.path() + " twice in revision " + event.revision());
				}
			}
			assertThat(heard).as("what the other instance heard, per revision").isEqualTo(expected);
		}
	}

	/**
	 * {@code DerivationEventsModelPropertiesTest}'s exact input on Redis: deleting {@code /d}'s last
	 * child leaves {@code {}} or nothing; deleting {@code /d} and {@code /agg} together reruns
	 * {@code /agg} exactly when {@code /d} read {@code {}}.
	 */
	@Example
	void anEmptiedBranchDeletedWithTheDerivedValueRerunsTheDerivation() {
		String namespace = "break20-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		try (StateController state = StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.dispatch(StateController.Dispatch.SYNC)
			.onError(StateController.OnError.RETHROW)
			.build()) {
			DerivationEventsModelPropertiesTest.emptiedBranchDeletedWithTheDerivedValue(state, "redis", null);
		}
	}

}
