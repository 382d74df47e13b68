package io.statetree.autoconfigure.endpoint;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up WARN without Spring Security names exactly the StateTree endpoints that
 * {@code management.endpoints.web.exposure.include} (and access) make available, and is not
 * logged when none is.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnguardedEndpointsWarningTest {

	private static final String WARNING = "Spring Security is not on the classpath: the StateTree actuator endpoints";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				EndpointAutoConfiguration.class, StateTreeEndpointAutoConfiguration.class,
				StateTreeChangesEndpointAutoConfiguration.class, StateTreeGroupsEndpointAutoConfiguration.class))
		.withClassLoader(new FilteredClassLoader("org.springframework.security"));

	@Test
	void onlyTheStatetreeEndpointExposedIsTheOnlyOneNamed(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health,statetree")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + " exposed (statetree) answer every caller")
			.doesNotContain("statetreegroups")
			.doesNotContain("statetreechanges");
	}

	@Test
	void twoExposedAreNamedInOrder(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=statetreegroups,statetree")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + " exposed (statetree, statetreegroups) answer")
			.doesNotContain("statetreechanges");
	}

	@Test
	void everyExposedEndpointIsNamed(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + " exposed (statetree, statetreechanges, statetreegroups) answer");
	}

	@Test
	void anExposedEndpointWhoseAccessIsNoneIsNotNamed(CapturedOutput output) {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoint.statetreechanges.access=NONE")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + " exposed (statetree, statetreegroups) answer");
	}

	@Test
	void noWarningWhenNoStateTreeEndpointIsExposed(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(UnguardedEndpointsWarning.class));
		this.runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void noWarningWithSpringSecurity(CapturedOutput output) {
		this.runner.withClassLoader(getClass().getClassLoader())
			.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

}
