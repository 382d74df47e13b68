package io.statetree.autoconfigure.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeChangesEndpoint;
import io.statetree.actuate.StateTreeChangesEndpointWebExtension;
import io.statetree.actuate.StateTreeEndpoint;
import io.statetree.actuate.StateTreeEndpointWebExtension;
import io.statetree.actuate.StateTreeHealthContributor;
import io.statetree.actuate.StateTreeMetrics;
import io.statetree.actuate.StateTreeSanitizer;
import io.statetree.autoconfigure.Failures;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.health.StateTreeHealthContributorAutoConfiguration;
import io.statetree.autoconfigure.metrics.StateTreeMetricsAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.FileSystemBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the actuator auto-configurations: exposure on and off, the changes endpoint on the controller's history,
 * metrics only with a registry, and property validation.
 */
class StateTreeActuatorAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				EndpointAutoConfiguration.class, StateTreeEndpointAutoConfiguration.class,
				StateTreeChangesEndpointAutoConfiguration.class, StateTreeHealthContributorAutoConfiguration.class, StateTreeMetricsAutoConfiguration.class));

	@Test
	void endpointsAreAbsentUntilExposed() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(StateTreeAccess.class)
			.doesNotHaveBean(StateTreeEndpoint.class)
			.doesNotHaveBean(StateTreeEndpointWebExtension.class)
			.doesNotHaveBean(StateTreeChangesEndpoint.class)
			.doesNotHaveBean(StateTreeChangesEndpointWebExtension.class)
			.hasSingleBean(StateTreeHealthContributor.class)
			.doesNotHaveBean(StateTreeMetrics.class));
	}

	@Test
	void exposedEndpointsAndTheChangesEndpointOnTheControllersHistory() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=statetree,statetreechanges",
					"statetree.history.size=2")
			.run((context) -> {
				assertThat(context).hasSingleBean(StateTreeEndpoint.class)
					.hasSingleBean(StateTreeEndpointWebExtension.class)
					.hasSingleBean(StateTreeChangesEndpoint.class)
					.hasSingleBean(StateTreeChangesEndpointWebExtension.class);
				StateController controller = context.getBean(StateController.class);
				controller.set("/a", 1);
				controller.set("/a", 2);
				controller.set("/a", 3);
				StateTreeChangesEndpoint.ChangesDescriptor changes = context.getBean(StateTreeChangesEndpoint.class)
					.changes(null, null);
				// the controller keeps statetree.history.size commits, the endpoint shows them newest first
				assertThat(changes.commits()).extracting(StateTreeChangesEndpoint.CommitDescriptor::revision)
					.containsExactly(controller.revision(), controller.revision() - 1);
				assertThat(controller.history(0, 10)).hasSize(2);
			});
	}

	@Test
	void theOverviewAndSiblingsKeepAnsweringWhenAFileIsUnparsable(@TempDir Path temp) throws IOException {
		Path directory = temp.resolve("state");
		try (StateController seed = StateController.create(FileSystemBackend.builder(directory).fsync(false).build())) {
			seed.set("/users", Map.of("alice", Map.of("apiToken", "x")));
			seed.set("/settings/theme", "dark");
		}
		Files.writeString(directory.resolve("users.json"), "{\"alice\": {\"apiToken\": stLEAK123}}");
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=statetree", "statetree.backend=filesystem",
					"statetree.filesystem.directory=" + directory)
			.run((context) -> {
				StateTreeEndpointWebExtension endpoint = context.getBean(StateTreeEndpointWebExtension.class);
				WebEndpointResponse<Object> overview = endpoint.describe(OPERATOR);
				assertThat(overview.getStatus()).isEqualTo(200);
				assertThat(((StateTreeEndpoint.TreeDescriptor) overview.getBody()).children())
					.containsExactly("users", "settings");
				assertThat(endpoint.read(OPERATOR, new String[] { "settings", "theme" }, null, null).getStatus()).isEqualTo(200);
				assertThatExceptionOfType(StateStorageException.class)
					.isThrownBy(() -> endpoint.read(OPERATOR, new String[] { "users" }, null, null))
					.withMessage("Cannot parse state file users.json: it is not valid JSON (line 1, column 24)");
				assertThatExceptionOfType(StateStorageException.class)
					.isThrownBy(() -> endpoint.read(OPERATOR, new String[0], null, null))
					.withMessageContaining("users.json")
					.withMessageNotContaining("stLEAK123");
			});
	}

	/** A caller holding every role. */
	private static final SecurityContext OPERATOR = new SecurityContext() {

		@Override
		public Principal getPrincipal() {
			return () -> "operator";
		}

		@Override
		public boolean isUserInRole(String role) {
			return true;
		}

	};

	@Test
	void jmxCanExposeTheEndpointsReadOperationsWithoutTheWebExtensionsWrites() {
		this.runner
			.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, JmxEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "spring.jmx.unique-names=true",
					"management.endpoints.jmx.exposure.include=statetree,statetreechanges",
					"management.endpoints.jmx.domain=io.statetree.test",
					"management.endpoint.statetree.access=UNRESTRICTED",
					"statetree.security.rules[0].pattern=/hidden", "statetree.security.rules[0].read=ROLE_X")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				controller.set("/visible", 1);
				controller.set("/hidden", 2);
				MBeanServer server = context.getBean(MBeanServer.class);
				Set<ObjectName> names = server.queryNames(new ObjectName("io.statetree.test:type=Endpoint,name=Statetree,*"),
						null);
				assertThat(names).hasSize(1);
				ObjectName name = names.iterator().next();
				assertThat(server.getMBeanInfo(name).getOperations()).extracting(MBeanOperationInfo::getName)
					.containsExactlyInAnyOrder("describe", "read");
				Object overview = server.invoke(name, "describe", new Object[0], new String[0]);
				assertThat(overview).isInstanceOf(Map.class);
				assertThat(((Map<?, ?>) overview).get("children")).isEqualTo(List.of("visible"));
				controller.set("/nested/deeper", "value");
				String[] signature = new String[] { Object.class.getName() };
				Object read = server.invoke(name, "read", new Object[] { "nested/deeper" }, signature);
				assertThat(read).isEqualTo(Map.of("path", "/nested/deeper", "value", "value"));
				assertThat(server.invoke(name, "read", new Object[] { "hidden" }, signature)).isNull();
				ObjectName changesName = server
					.queryNames(new ObjectName("io.statetree.test:type=Endpoint,name=Statetreechanges,*"), null)
					.iterator()
					.next();
				assertThat(server.getMBeanInfo(changesName).getOperations()).extracting(MBeanOperationInfo::getName)
					.containsExactly("changes");
				Object changes = server.invoke(changesName, "changes", new Object[0], new String[0]);
				assertThat(changes).asString().contains("/visible").doesNotContain("/hidden");
				Object page = server.invoke(changesName, "changes", new Object[] { 0L, 1 },
						new String[] { Long.class.getName(), Integer.class.getName() });
				assertThat(page).asString().contains("/visible").doesNotContain("/hidden", "/nested");
			});
	}

	@Test
	void metricsObserveTheControllerWhenARegistryExists() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(StateTreeMetrics.class);
			context.getBean(StateController.class).set("/a", 1);
			assertThat(context.getBean(SimpleMeterRegistry.class).get("statetree.commits").counter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void listenerQueueOverflowsAreCountedPerListener() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("statetree.listeners.dispatch=async", "statetree.listeners.queue-capacity=1",
					"statetree.listeners.offer-timeout=0s")
			.run((context) -> {
				StateController controller = context.getBean(StateController.class);
				java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
				controller.registerCallback((event) -> {
					try {
						release.await(30, java.util.concurrent.TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}, "stuck", false);
				controller.subscribeById("/n", "stuck");
				try {
					for (int i = 0; i < 5; i++) {
						controller.set("/n", i);
					}
				}
				finally {
					release.countDown();
				}
				assertThat(context.getBean(SimpleMeterRegistry.class)
					.get("statetree.listener.overflows")
					.tag("listener", "stuck")
					.counter()
					.count()).isPositive();
			});
	}

	@Test
	void theHealthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.statetree.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StateTreeHealthContributor.class));
	}

	@Test
	void badRulesAndHistorySizesFailNamingTheProperty() {
		this.runner.withPropertyValues("statetree.security.rules[0].pattern=/a/../b").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
				.getName()).isEqualTo("statetree.security.rules[0].pattern");
		});
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=statetreechanges", "statetree.history.size=-1")
			.run((context) -> assertThat(Failures
				.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
				.getName()).isEqualTo("statetree.history.size"));
	}

	@Test
	void additionalSensitiveKeysAddToTheDefaultsWhileSensitiveKeysReplaceThem() {
		this.runner.withPropertyValues("statetree.security.additional-sensitive-keys=iban,cvv\\d?").run((context) -> {
			StateTreeSanitizer sanitizer = context.getBean(StateTreeAccess.class).sanitizer();
			for (String key : List.of("iban", "customerIban", "CVV2", "password", "apiToken", "sshKeys")) {
				assertThat(sanitizer.isSensitive(key)).as(key).isTrue();
			}
			assertThat(sanitizer.isSensitive("monkey")).isFalse();
		});
		this.runner.withPropertyValues("statetree.security.sensitive-keys=iban").run((context) -> {
			StateTreeSanitizer sanitizer = context.getBean(StateTreeAccess.class).sanitizer();
			assertThat(sanitizer.isSensitive("iban")).isTrue();
			assertThat(sanitizer.isSensitive("password")).isFalse();
		});
		this.runner.withPropertyValues("statetree.security.additional-sensitive-keys=(")
			.run((context) -> assertThat(Failures
				.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
				.getName()).isEqualTo("statetree.security.additional-sensitive-keys"));
	}

	@Test
	void aRuleWithoutAuthoritiesFailsInsteadOfProtectingNothing() {
		// "reed" is a typo: the binder ignores it, and the rule would restrict nothing. The check of
		// property names fails first, naming it; with that check off, the rule itself fails.
		this.runner.withPropertyValues("statetree.security.rules[0].pattern=/vault", "statetree.security.rules[0].reed=ROLE_X")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("statetree.security.rules[0].reed")
				.hasMessageContaining("did you mean statetree.security.rules[0].read?"));
		for (String[] properties : List.of(new String[] { "statetree.security.rules[0].pattern=/vault" },
				new String[] { "statetree.fail-on-unknown-properties=false", "statetree.security.rules[0].pattern=/vault",
						"statetree.security.rules[0].reed=ROLE_X" },
				new String[] { "statetree.security.rules[0].pattern=/vault", "statetree.security.rules[0].read=" })) {
			this.runner.withPropertyValues(properties).run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException failure = Failures.find(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(failure.getName()).isEqualTo("statetree.security.rules[0].pattern");
				assertThat(failure.getMessage()).contains("needs read or write authorities");
			});
		}
		this.runner
			.withPropertyValues("statetree.security.rules[0].pattern=/vault", "statetree.security.rules[0].read[0]=ROLE_X",
					"statetree.security.rules[0].read[1]= ")
			.run((context) -> assertThat(Failures
				.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
				.getName()).isEqualTo("statetree.security.rules[0].read"));
		this.runner.withPropertyValues("statetree.security.rules[0].pattern=/vault", "statetree.security.rules[0].write=X")
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
