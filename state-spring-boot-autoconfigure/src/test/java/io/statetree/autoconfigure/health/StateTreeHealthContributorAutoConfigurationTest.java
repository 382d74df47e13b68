package io.statetree.autoconfigure.health;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.statetree.actuate.StateTreeHealthContributor;
import io.statetree.autoconfigure.Failures;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health contributor's auto-configuration: the timeout property (default 2 s, a bad value
 * fails naming the property), the readiness membership on by default and off with
 * {@code statetree.health.readiness=false}, and what the membership does to the groups.
 */
class StateTreeHealthContributorAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class,
				StateTreeHealthContributorAutoConfiguration.class));

	@Test
	void defaultsToTwoSecondsAndJoinsReadiness() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(StateTreeHealthContributor.class)
				.hasSingleBean(ReadinessGroupMembership.class);
			assertThat(context.getBean(StateTreeHealthProperties.class).getTimeout()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void readinessMembershipCanBeTurnedOff() {
		this.runner.withPropertyValues("statetree.health.readiness=false")
			.run((context) -> assertThat(context).hasSingleBean(StateTreeHealthContributor.class)
				.doesNotHaveBean(ReadinessGroupMembership.class));
	}

	@Test
	void aTimeoutThatIsNotPositiveFailsNamingTheProperty() {
		this.runner.withPropertyValues("statetree.health.timeout=0s")
			.run((context) -> assertThat(
					Failures.find(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class)
						.getName())
				.isEqualTo("statetree.health.timeout"));
	}

	@Test
	void anUnknownKeyUnderHealthFailsStartUpNamingTheClosestKnownOne() {
		this.runner.withPropertyValues("statetree.health.timout=1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("statetree.health.timout")
				.hasMessageContaining("statetree.health.timeout");
		});
	}

	@Test
	void theMembershipAddsStateTreeToTheReadinessGroupOnly() {
		HealthEndpointGroup readiness = new Group(Set.of("readinessState"));
		HealthEndpointGroup liveness = new Group(Set.of("livenessState"));
		HealthEndpointGroups groups = HealthEndpointGroups.of(new Group(Set.of()),
				Map.of("readiness", readiness, "liveness", liveness));
		HealthEndpointGroupsPostProcessor membership = new ReadinessGroupMembership();
		HealthEndpointGroups processed = membership.postProcessHealthEndpointGroups(groups);
		assertThat(processed.getNames()).containsExactlyInAnyOrder("readiness", "liveness");
		assertThat(processed.get("readiness").isMember("statetree")).isTrue();
		assertThat(processed.get("readiness").isMember("statetree/root")).isTrue();
		assertThat(processed.get("readiness").isMember("readinessState")).isTrue();
		assertThat(processed.get("readiness").isMember("db")).isFalse();
		assertThat(processed.get("readiness").isMember("statetreeish")).isFalse();
		assertThat(processed.get("liveness").isMember("statetree")).isFalse();
		assertThat(processed.getPrimary().isMember("statetree")).isFalse();
		// Spring Boot's web endpoint discoverer casts the groups to AdditionalPathsMapper
		assertThat(processed).isInstanceOf(AdditionalPathsMapper.class);
		assertThat(((AdditionalPathsMapper) processed).getAdditionalPaths(EndpointId.of("health"),
				WebServerNamespace.SERVER)).isEmpty();
		HealthEndpointGroups withoutReadiness = HealthEndpointGroups.of(new Group(Set.of()), Map.of("liveness", liveness));
		assertThat(membership.postProcessHealthEndpointGroups(withoutReadiness)).isSameAs(withoutReadiness);
	}

	/** A group with fixed members. */
	private record Group(Set<String> members) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return this.members.contains(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return true;
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return true;
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return StatusAggregator.getDefault();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return HttpCodeStatusMapper.DEFAULT;
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return null;
		}

	}

}
