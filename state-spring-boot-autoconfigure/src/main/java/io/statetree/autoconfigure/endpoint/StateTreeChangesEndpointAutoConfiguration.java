package io.statetree.autoconfigure.endpoint;

import java.time.Clock;

import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeChangesEndpoint;
import io.statetree.actuate.StateTreeChangesEndpointWebExtension;
import io.statetree.actuate.StateTreeHistory;
import io.statetree.core.StateController;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link StateTreeChangesEndpoint statetreechanges} actuator endpoint
 * and its {@link StateTreeChangesEndpointWebExtension web extension}, when the endpoint is
 * available (enabled and exposed): a {@link StateTreeHistory} of {@code statetree.history.size}
 * commits, registered as a {@link io.statetree.core.ControllerObserver} of the auto-configured
 * controller, shown under the {@link StateTreeAccess} policy of
 * {@link StateTreeEndpointAutoConfiguration}.
 */
@AutoConfiguration(after = StateTreeEndpointAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, StateController.class })
@EnableConfigurationProperties(StateTreeHistoryProperties.class)
public final class StateTreeChangesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(StateTreeChangesEndpoint.class)
	StateTreeHistory stateTreeHistory(StateTreeHistoryProperties properties) {
		if (properties.getSize() < 0) {
			throw new InvalidConfigurationPropertyValueException("statetree.history.size", properties.getSize(),
					"The history size must be 0 or more");
		}
		return new StateTreeHistory(properties.getSize(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ StateTreeHistory.class, StateTreeAccess.class })
	@ConditionalOnAvailableEndpoint
	StateTreeChangesEndpoint stateTreeChangesEndpoint(StateTreeHistory stateTreeHistory,
			StateTreeAccess stateTreeAccess) {
		return new StateTreeChangesEndpoint(stateTreeHistory, stateTreeAccess);
	}

	/**
	 * The HTTP side of the endpoint: it checks the caller's role and path rules. Created whenever
	 * the endpoint is, whatever its exposure, so that the web never serves the endpoint without
	 * those checks.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(StateTreeChangesEndpoint.class)
	StateTreeChangesEndpointWebExtension stateTreeChangesEndpointWebExtension(
			StateTreeChangesEndpoint stateTreeChangesEndpoint) {
		return new StateTreeChangesEndpointWebExtension(stateTreeChangesEndpoint);
	}

}
