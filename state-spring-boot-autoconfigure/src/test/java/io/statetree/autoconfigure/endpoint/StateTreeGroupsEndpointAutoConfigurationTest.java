package io.statetree.autoconfigure.endpoint;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.statetree.actuate.StateTreeGroupMetrics;
import io.statetree.actuate.StateTreeGroupsEndpoint;
import io.statetree.actuate.StateTreeGroupsEndpointWebExtension;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.metrics.StateTreeMetricsAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.SubscribeOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code statetreegroups} endpoint's auto-configuration: absent until exposed, with its web
 * extension when exposed; its plain operations (what JMX calls) under the path rules; and the
 * group meters only with a registry.
 */
class StateTreeGroupsEndpointAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				EndpointAutoConfiguration.class, StateTreeEndpointAutoConfiguration.class,
				StateTreeGroupsEndpointAutoConfiguration.class, StateTreeMetricsAutoConfiguration.class));

	@Test
	void theEndpointIsAbsentUntilExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(StateTreeGroupsEndpoint.class)
			.doesNotHaveBean(StateTreeGroupsEndpointWebExtension.class)
			.doesNotHaveBean(StateTreeGroupMetrics.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=statetreegroups")
			.run((context) -> assertThat(context).hasSingleBean(StateTreeGroupsEndpoint.class)
				.hasSingleBean(StateTreeGroupsEndpointWebExtension.class));
	}

	@Test
	void thePlainOperationsLeaveOutDeadLettersAtGuardedPaths() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=statetreegroups",
					"statetree.groups.max-attempts=1", "statetree.security.rules[0].pattern=/secret",
					"statetree.security.rules[0].read=ROLE_ADMIN")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				for (String root : new String[] { "open", "secret" }) {
					controller.subscribe("/" + root + "/{id}", (event) -> {
						throw new IllegalStateException("fails");
					}, SubscribeOptions.group(root));
					controller.set("/" + root + "/1", 1);
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> controller.deadLetters("open").size() + controller.deadLetters("secret").size() == 2);
				StateTreeGroupsEndpoint endpoint = context.getBean(StateTreeGroupsEndpoint.class);
				assertThat(endpoint.groups().groups()).extracting(StateTreeGroupsEndpoint.GroupDescriptor::group)
					.containsExactly("open", "secret");
				assertThat(endpoint.deadLetters("open").deadLetters()).singleElement().satisfies((letter) -> {
					assertThat(letter.path()).isEqualTo("/open/1");
					assertThat(letter.attempts()).isEqualTo(1);
					assertThat(letter.error()).isEqualTo("java.lang.IllegalStateException: fails");
				});
				assertThat(endpoint.deadLetters("secret").deadLetters()).isEmpty();
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.deadLetters("not valid"))
					.withMessageContaining("'not valid'");
			});
	}

	@Test
	void theGroupMetersNeedARegistry() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).hasSingleBean(StateTreeGroupMetrics.class));
	}

}
