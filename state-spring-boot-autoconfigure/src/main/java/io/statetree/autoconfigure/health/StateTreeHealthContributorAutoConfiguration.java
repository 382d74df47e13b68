package io.statetree.autoconfigure.health;

import io.statetree.actuate.StateTreeHealthIndicator;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code statetree} health contributor
 * ({@link StateTreeHealthIndicator}), unless {@code management.health.statetree.enabled=false}.
 */
@AutoConfiguration(after = StateTreeAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, StateController.class })
@ConditionalOnBean(StateController.class)
@ConditionalOnEnabledHealthIndicator("statetree")
public final class StateTreeHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "statetreeHealthContributor")
	StateTreeHealthIndicator statetreeHealthContributor(StateController stateController) {
		return new StateTreeHealthIndicator(stateController);
	}

}
