package io.statetree.core.break20;

import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Issue 20's derivation commit path on Redis: the same random derivation graphs and commits as
 * {@code Break20DerivationModelPropertiesTest} (chains, diamonds, siblings under one branch,
 * destinations the user writes, equalities, tracked derivations changing their sources), checked
 * against the same plain model: the tree, and exactly one event per changed leaf per commit with
 * the right old and new values and revision. Each try uses a fresh namespace of the embedded (or
 * configured) Redis server.
 */
class Break20RedisDerivationModelTest {

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
		try (StateController state = StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.dispatch(StateController.Dispatch.SYNC)
			.onError(StateController.OnError.RETHROW)
			.build()) {
			DerivationScenario.check(state, scenario);
		}
	}

}
