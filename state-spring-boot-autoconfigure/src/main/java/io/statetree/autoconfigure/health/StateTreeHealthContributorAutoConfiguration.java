package io.statetree.autoconfigure.health;

import io.statetree.actuate.StateTreeHealthContributor;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code statetree} health contributor
 * ({@link StateTreeHealthContributor}: one child per mount, each answering within
 * {@code statetree.health.timeout}), unless {@code management.health.statetree.enabled=false}.
 * With {@code statetree.health.readiness} (default true) the contributor joins the
 * {@code readiness} group.
 */
@AutoConfiguration(after = StateTreeAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnClass({ HealthIndicator.class, StateController.class })
@ConditionalOnBean(StateController.class)
@ConditionalOnEnabledHealthIndicator("statetree")
@EnableConfigurationProperties(StateTreeHealthProperties.class)
public final class StateTreeHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "statetreeHealthContributor")
	StateTreeHealthContributor statetreeHealthContributor(StateController stateController,
			StateTreeHealthProperties properties) {
		try {
			return new StateTreeHealthContributor(stateController, properties.getTimeout());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("statetree.health.timeout", properties.getTimeout(),
					"must be positive");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthEndpointGroupsPostProcessor.class)
	@ConditionalOnBooleanProperty(name = "statetree.health.readiness", matchIfMissing = true)
	static class ReadinessConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "statetreeReadinessGroupMembership")
		static HealthEndpointGroupsPostProcessor statetreeReadinessGroupMembership() {
			return new ReadinessGroupMembership();
		}

	}

}
