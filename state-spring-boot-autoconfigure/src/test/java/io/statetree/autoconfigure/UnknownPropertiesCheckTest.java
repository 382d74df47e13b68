package io.statetree.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.statetree.autoconfigure.UnknownPropertiesException.UnknownProperty;
import io.statetree.autoconfigure.security.StateTreeSecurityProperties;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a misspelt {@code statetree.*} key fails start-up with an analysis naming it, where it
 * was set and the closest known key, while every relaxed form of a known key starts.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertiesCheckTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateTreeAutoConfiguration.class));

	@Test
	void aMisspeltRootKeyFailsNamingTheClosestKey() {
		UnknownProperty property = single("statetree.backnd=redis");
		assertThat(property.name()).isEqualTo("statetree.backnd");
		assertThat(property.closest()).isEqualTo("statetree.backend");
		assertThat(property.origin()).contains("statetree.backnd").contains("test");
	}

	@Test
	void aMisspeltGroupsKeyFailsNamingTheClosestKey() {
		assertThat(single("statetree.groups.max-atempts=3").closest()).isEqualTo("statetree.groups.max-attempts");
	}

	@Test
	void aMapKeyIsKeptInTheSuggestion() {
		assertThat(single("statetree.mounts.files.path=/files", "statetree.mounts.files.backend=memory",
				"statetree.mounts.files.pth=/x")
			.closest()).isEqualTo("statetree.mounts.files.path");
		assertThat(single("statetree.mount.files.path=/files").closest()).isEqualTo("statetree.mounts.files.path");
	}

	@Test
	void aMisspeltSectionIsComparedWithTheSectionsNames() {
		assertThat(single("statetree.mount=/files").closest()).startsWith("statetree.mounts (such as statetree.mounts.");
		assertThat(single("statetree.cach.enabled=true").closest()).isEqualTo("statetree.cache.enabled");
	}

	@Test
	void aListIndexIsKeptInTheSuggestion() {
		UnknownProperty property = single(this.runner.withUserConfiguration(SecurityPropertiesConfiguration.class),
				"statetree.security.rules[0].pattern=/a", "statetree.security.rules[1].patern=/b");
		assertThat(property.name()).isEqualTo("statetree.security.rules[1].patern");
		assertThat(property.closest()).isEqualTo("statetree.security.rules[1].pattern");
	}

	@Test
	void farOffKeysGetNoSuggestion() {
		UnknownProperty property = single("statetree.zzzzzzzzzz=1");
		assertThat(property.closest()).isNull();
		FailureAnalysis analysis = analyze(failure(this.runner, "statetree.zzzzzzzzzz=1"));
		assertThat(analysis.getDescription()).contains("Property: statetree.zzzzzzzzzz")
			.contains("Closest known property: none is close");
	}

	@Test
	void everyUnknownKeyIsListedAndNoValueIsQuoted() {
		Throwable failure = failure(this.runner, "statetree.backnd=s3cr3t-value", "statetree.redis.namespce=an0ther",
				"statetree.backend=memory");
		UnknownPropertiesException exception = Failures.find(failure, UnknownPropertiesException.class);
		assertThat(exception.getProperties()).extracting(UnknownProperty::name)
			.containsExactly("statetree.backnd", "statetree.redis.namespce");
		FailureAnalysis analysis = analyze(failure);
		assertThat(analysis.getDescription()).contains("Property: statetree.backnd")
			.contains("Closest known property: statetree.backend")
			.contains("Property: statetree.redis.namespce")
			.contains("Closest known property: statetree.redis.namespace")
			.doesNotContain("s3cr3t")
			.doesNotContain("an0ther");
		assertThat(exception.getMessage()).doesNotContain("s3cr3t").doesNotContain("an0ther");
		assertThat(analysis.getAction()).contains("statetree.fail-on-unknown-properties");
	}

	@Test
	void theOriginNamesTheFileAndLine() {
		Throwable failure = failure(this.runner.withInitializer((context) -> {
			try {
				List<PropertySource<?>> loaded = new YamlPropertySourceLoader().load("typo",
						new ClassPathResource("statetree/typo.yml"));
				loaded.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}));
		UnknownProperty property = Failures.find(failure, UnknownPropertiesException.class).getProperties().get(0);
		assertThat(property.name()).isEqualTo("statetree.backnd");
		assertThat(property.origin()).contains("typo.yml").contains("3:");
		assertThat(analyze(failure).getDescription()).contains("typo.yml").doesNotContain("s3cr3t");
	}

	@Test
	void relaxedNamesAreKnown() {
		this.runner
			.withPropertyValues("statetree.instanceId=a", "statetree.history.SIZE=5", "statetree.cache.flush_on_read=true",
					"statetree.listeners.offer-timeout=2s", "statetree.mounts.files.path=/files",
					"statetree.mounts.files.backend=memory", "statetree.mounts.[odd.name].path=/odd",
					"statetree.mounts.[odd.name].backend=memory", "statetree.groups.maxAttempts=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(StateController.class).instanceId()).isEqualTo("a");
			});
	}

	@Test
	void environmentVariablesAreKnownAndAMisspeltOneIsNamed() {
		Map<String, Object> environment = Map.of("STATETREE_BACKEND", "memory", "STATETREE_INSTANCE_ID", "env",
				"STATETREE_MOUNTS_FILES_PATH", "/files", "STATETREE_MOUNTS_FILES_BACKEND", "memory",
				"STATETREE_LISTENERS_QUEUECAPACITY", "50", "STATETREE_GROUPS_MAX_ATTEMPTS", "3",
				"STATETREE_SECURITY_RULES_0_PATTERN", "/a", "STATETREE_SECURITY_RULES_0_READ", "ROLE_A");
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					environment)))
			.withUserConfiguration(SecurityPropertiesConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(StateController.class).instanceId()).isEqualTo("env");
				assertThat(context.getBean(StateTreeGroupsProperties.class).getMaxAttempts()).isEqualTo(3);
				assertThat(context.getBean(StateTreeSecurityProperties.class).getRules()).hasSize(1);
			});
		Map<String, Object> misspelt = Map.of("STATETREE_BACKND", "memory");
		Throwable failure = failure(this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					misspelt))));
		UnknownProperty property = Failures.find(failure, UnknownPropertiesException.class).getProperties().get(0);
		assertThat(property.name()).isEqualTo("statetree.backnd");
		assertThat(property.origin()).contains("STATETREE_BACKND");
		assertThat(property.closest()).isEqualTo("statetree.backend");
	}

	@Test
	void onlyAnEnvironmentWithoutStateTreeKeysSkipsTheCheck() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("spring.application.name", "a", "statetreex.backend", "b")));
		assertThat(UnknownPropertiesCheck.mayHaveStateTreeProperties(environment)).isFalse();
		environment.getPropertySources()
			.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("STATETREE_BACKND", "memory")));
		assertThat(UnknownPropertiesCheck.mayHaveStateTreeProperties(environment)).isTrue();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addLast(new MapPropertySource("root", Map.of("statetree", "x")));
		assertThat(UnknownPropertiesCheck.mayHaveStateTreeProperties(environment)).isTrue();
		environment.getPropertySources().remove("root");
		environment.getPropertySources()
			.addLast(new MapPropertySource("mounts", Map.of("statetree.mounts.files.pth", "/x")));
		assertThat(UnknownPropertiesCheck.mayHaveStateTreeProperties(environment)).isTrue();
	}

	@Test
	void listsBoundByIndexAreKnown() {
		this.runner.withUserConfiguration(SecurityPropertiesConfiguration.class)
			.withPropertyValues("statetree.security.rules[0].pattern=/a", "statetree.security.rules[0].read[0]=ROLE_A",
					"statetree.security.sensitive-keys[0]=iban", "statetree.security.sensitive-keys[1]=pin",
					"statetree.security.show-values=always")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void securityKeysAreNotCheckedWithoutTheActuatorsProperties() {
		this.runner.withPropertyValues("statetree.security.show-values=always", "statetree.security.rulez=x")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(single(this.runner.withUserConfiguration(SecurityPropertiesConfiguration.class),
				"statetree.security.show-valus=always")
			.closest()).isEqualTo("statetree.security.show-values");
	}

	@Test
	void consoleKeysAreCheckedWhereTheConsoleCanRun() {
		this.runner.withPropertyValues("statetree.console.enabeld=true")
			.run((context) -> assertThat(context).hasNotFailed());
		ApplicationContextRunner console = this.runner.withUserConfiguration(ConsolePropertiesConfiguration.class);
		console.withPropertyValues("statetree.console.enabled=true", "statetree.console.path=/ops")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(single(console, "statetree.console.enabeld=true").closest()).isEqualTo("statetree.console.enabled");
	}

	@Test
	void aKeyDeclaredInTheMetadataIsKnown() {
		// Declared in this module's test metadata only, as a key read by a condition would be.
		this.runner.withPropertyValues("statetree.declared-elsewhere.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(single("statetree.declared-elsewhere.enabld=true").name())
			.isEqualTo("statetree.declared-elsewhere.enabld");
	}

	@Test
	void aBadValueOfAKnownKeyIsLeftToTheBinding() {
		Throwable failure = failure(this.runner, "statetree.backend=mongo");
		assertThat(new UnknownBackendFailureAnalyzer().analyze(failure)).isNotNull();
		assertThat(analyze(failure)).isNull();
	}

	@Test
	void canOnlyWarn(CapturedOutput output) {
		this.runner.withPropertyValues("statetree.fail-on-unknown-properties=false", "statetree.backnd=s3cr3t-value")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("Unknown StateTree properties: statetree.backnd")
			.contains("did you mean statetree.backend?")
			.doesNotContain("s3cr3t");
	}

	private UnknownProperty single(String... properties) {
		return single(this.runner, properties);
	}

	private static UnknownProperty single(ApplicationContextRunner runner, String... properties) {
		List<UnknownProperty> unknown = Failures.find(failure(runner, properties), UnknownPropertiesException.class)
			.getProperties();
		assertThat(unknown).hasSize(1);
		return unknown.get(0);
	}

	private static Throwable failure(ApplicationContextRunner runner, String... properties) {
		Throwable[] failure = new Throwable[1];
		runner.withPropertyValues(properties).run((context) -> failure[0] = context.getStartupFailure());
		assertThat(failure[0]).as("start-up failure").isNotNull();
		return failure[0];
	}

	private static FailureAnalysis analyze(Throwable failure) {
		return new UnknownPropertiesFailureAnalyzer().analyze(failure);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(StateTreeSecurityProperties.class)
	static class SecurityPropertiesConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(io.statetree.autoconfigure.console.StateTreeConsoleProperties.class)
	static class ConsolePropertiesConfiguration {

	}

}
