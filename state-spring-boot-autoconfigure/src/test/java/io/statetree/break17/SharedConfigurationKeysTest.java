package io.statetree.break17;

import java.util.Map;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 part 2 tried as a user sharing one configuration across services: keys the README's
 * property table documents must never be reported as unknown (they are not typos), whatever
 * optional module the service happens to lack; mount names in the forms users write them start.
 */
class SharedConfigurationKeysTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class));

	/** A service without state-redis that shares the team's yml (memory backend, Redis settings present). */
	@Test
	void documentedRedisKeysAreNotTyposWithoutTheRedisModule() {
		this.runner.withClassLoader(new FilteredClassLoader("io.statetree.redis", "org.springframework.data.redis"))
			.withPropertyValues("statetree.backend=memory", "statetree.redis.namespace=shop",
					"statetree.redis.lease-timeout=20s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** A service without the actuator that shares the team's yml (health settings present). */
	@Test
	void documentedHealthKeysAreNotTyposWithoutTheActuator() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health",
					"org.springframework.boot.actuate"))
			.withPropertyValues("statetree.health.timeout=3s", "statetree.health.readiness=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** A service without the console's web stack that shares the team's yml. */
	@Test
	void documentedConsoleKeysAreNotTyposInANonWebService() {
		this.runner.withPropertyValues("statetree.console.enabled=false", "statetree.console.path=/admin/state")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** Mount names written camelCase, with digits or dashes, in properties and environment form. */
	@Test
	void mountNamesInTheirUsualFormsStart() {
		this.runner
			.withPropertyValues("statetree.mounts.userSessions.path=/sessions",
					"statetree.mounts.userSessions.backend=memory", "statetree.mounts.cache-2.path=/cache2",
					"statetree.mounts.cache-2.backend=memory")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("STATETREE_MOUNTS_AUDIT_PATH", "/audit", "STATETREE_MOUNTS_AUDIT_BACKEND", "memory"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StateController state = context.getBean(StateController.class);
				state.set("/sessions/a", 1);
				state.set("/cache2/a", 1);
				state.set("/audit/a", 1);
				assertThat(state.get("/sessions/a")).isEqualTo(1);
			});
	}

	/**
	 * A camelCase mount name from the yml overridden by its environment variable (how a deployment
	 * changes one setting): expected one mount, at the environment's path.
	 */
	@Test
	void anEnvironmentVariableOverridesACamelCaseMountsPath() {
		this.runner
			.withPropertyValues("statetree.mounts.userSessions.path=/sessions",
					"statetree.mounts.userSessions.backend=memory")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("STATETREE_MOUNTS_USERSESSIONS_PATH", "/s2"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StateController state = context.getBean(StateController.class);
				state.set("/s2/a", 1);
				state.set("/sessions/b", 1);
				assertThat(String.valueOf(state.backend().describe())).as("mounts").contains("/s2").doesNotContain("/sessions");
			});
	}

}
