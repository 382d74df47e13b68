package io.statetree.redis;

import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.EffectScenarios;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link EffectScenarios} on {@link RedisBackend}, each try in a fresh namespace, in both dispatch
 * modes: effects never observe a combination of values that never existed, and after concurrent
 * writers settle each effect's last run saw the final state.
 */
class RedisEffectPropertiesTest {

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private static LettuceConnectionFactory factory;

	@BeforeContainer
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterContainer
	static void disconnect() {
		factory.destroy();
	}

	@Provide
	Arbitrary<EffectScenarios.Scenario> scenarios() {
		return EffectScenarios.scenarios();
	}

	@Property(tries = 20)
	void redis(@ForAll("scenarios") EffectScenarios.Scenario scenario) throws Exception {
		EffectScenarios.check(scenario, EffectScenarios.on(() -> RedisBackend.builder(factory)
			.namespace("effects-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet())
			.build()));
	}

}
