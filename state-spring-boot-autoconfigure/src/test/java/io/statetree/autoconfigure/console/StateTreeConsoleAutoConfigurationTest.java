package io.statetree.autoconfigure.console;

import io.statetree.actuate.StateTreeConsole;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.endpoint.StateTreeEndpointAutoConfiguration;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's auto-configuration: off by default, on in a servlet web application with
 * {@code statetree.console.enabled=true}, never in a non-web application, a clear start-up failure
 * without Spring Security or with a bad path, and backing off from the application's own beans.
 */
class StateTreeConsoleAutoConfigurationTest {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(JacksonAutoConfiguration.class,
			StateTreeAutoConfiguration.class, StateTreeEndpointAutoConfiguration.class,
			StateTreeConsoleAutoConfiguration.class);

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS);

	@Test
	void theConsoleIsOffByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(StateTreeConsole.class)
				.doesNotHaveBean(StateTreeConsoleController.class)
				.hasSingleBean(StateTreeConsoleProperties.class);
			assertThat(context.getBean(StateTreeConsoleProperties.class).getPath()).isEqualTo("/statetree");
		});
	}

	@Test
	void enabledItServesTheConsole() {
		this.runner.withPropertyValues("statetree.console.enabled=true", "statetree.console.path=/ops/tree")
			.run((context) -> {
				assertThat(context).hasSingleBean(StateTreeConsole.class).hasSingleBean(StateTreeConsoleController.class);
				assertThat(context.getBean(StateTreeConsole.class).controller())
					.isSameAs(context.getBean(StateController.class));
			});
	}

	@Test
	void notInANonWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("statetree.console.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StateTreeConsole.class));
	}

	@Test
	void enabledWithoutSpringSecurityTheApplicationFailsToStartWithAnAnalysis() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.withPropertyValues("statetree.console.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				ConsoleWithoutSecurityException cause = findCause(failure, ConsoleWithoutSecurityException.class);
				assertThat(cause).isNotNull();
				FailureAnalysis analysis = new ConsoleWithoutSecurityFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("statetree.console.enabled")
					.contains("Spring Security");
				assertThat(analysis.getAction()).contains("spring-boot-starter-security")
					.contains("statetree.console.enabled=false");
			});
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StateTreeConsole.class));
	}

	@Test
	void aBadPathFailsNamingTheProperty() {
		for (String path : new String[] { "statetree", "/statetree/", "/", "/a/*", "/a b" }) {
			this.runner.withPropertyValues("statetree.console.enabled=true", "statetree.console.path=" + path)
				.run((context) -> {
					assertThat(context).as(path).hasFailed();
					InvalidConfigurationPropertyValueException cause = findCause(context.getStartupFailure(),
							InvalidConfigurationPropertyValueException.class);
					assertThat(cause).as(path).isNotNull();
					assertThat(cause.getName()).isEqualTo("statetree.console.path");
				});
		}
	}

	@Test
	void theApplicationsOwnConsoleWins() {
		this.runner.withPropertyValues("statetree.console.enabled=true")
			.withUserConfiguration(OwnConsole.class)
			.run((context) -> assertThat(context).hasSingleBean(StateTreeConsole.class)
				.getBean(StateTreeConsole.class)
				.isSameAs(context.getBean(OwnConsole.class).console));
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConsole {

		StateTreeConsole console;

		@Bean
		StateTreeConsole myConsole(StateController controller, io.statetree.actuate.StateTreeAccess access) {
			this.console = new StateTreeConsole(controller, access, JsonMapper.builder().build());
			return this.console;
		}

	}

}
