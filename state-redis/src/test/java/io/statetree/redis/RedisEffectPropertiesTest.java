package io.statetree.redis;

import io.statetree.core.EffectScenarios;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link EffectScenarios} on {@link RedisBackend}, each try in a fresh namespace, in both dispatch
 * modes: effects never observe a combination of values that never existed, and after concurrent
 * writers settle each effect's last run saw the final state.
 */
class RedisEffectPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("effects");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<EffectScenarios.Scenario> scenarios() {
		return EffectScenarios.scenarios();
	}

	@Property(tries = 20)
	void redis(@ForAll("scenarios") EffectScenarios.Scenario scenario) throws Exception {
		EffectScenarios.check(scenario, EffectScenarios.on(REDIS::newBackend));
	}

}
