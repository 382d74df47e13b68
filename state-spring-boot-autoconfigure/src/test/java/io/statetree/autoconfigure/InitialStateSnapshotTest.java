package io.statetree.autoconfigure;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code statetree.initial-state} in its two forms (DESIGN §11): the tree's object, and a snapshot
 * document restored at its path.
 */
class InitialStateSnapshotTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	@Test
	void aSnapshotIsRestoredAtItsPathWithExactNumbers() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/snapshot.json").run((context) -> {
			assertThat(context).hasNotFailed();
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.childNames("/")).containsExactly("config");
			assertThat(controller.get("/config/name")).isEqualTo("demo");
			assertThat(controller.get("/config/price")).isEqualTo(new BigDecimal("1.000000000000000001"));
			assertThat(controller.get("/config/limits")).isEqualTo(List.of(1, 2));
			assertThat(controller.history(0, 10)).hasSize(1);
		});
	}

	@Test
	void theTreesObjectStillLoadsAtTheRoot() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/initial.json").run((context) -> {
			StateController controller = context.getBean(StateController.class);
			assertThat(controller.childNames("/")).containsExactly("config", "users");
			assertThat(controller.get("/config/price")).isEqualTo(new BigDecimal("1.000000000000000001"));
		});
	}

	@Test
	void anObjectWithOtherKeysBesidePathIsTheTreeNotASnapshot() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/snapshot-lookalike.json")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				assertThat(controller.get("/")).isEqualTo(
						Map.of("path", "/somewhere", "revision", 3, "value", 1, "owner", "ops"));
				assertThat(controller.exists("/somewhere")).isFalse();
			});
	}

	@Test
	void aSnapshotWithAnInvalidPathFailsNamingTheProperty() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/snapshot-bad-path.json")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException failure = Failures.find(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(failure.getName()).isEqualTo("statetree.initial-state");
				assertThat(failure.getMessage()).contains("path is invalid");
			});
	}

	@Test
	void aSnapshotOfTheRootMustHoldAnObject() {
		this.runner.withPropertyValues("statetree.initial-state=classpath:statetree/snapshot-root-leaf.json")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException failure = Failures.find(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(failure.getName()).isEqualTo("statetree.initial-state");
				assertThat(failure.getMessage()).contains("must hold a JSON object");
			});
	}

}
