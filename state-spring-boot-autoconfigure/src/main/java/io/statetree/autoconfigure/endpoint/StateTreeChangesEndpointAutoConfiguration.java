package io.statetree.autoconfigure.endpoint;

import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeChangesEndpoint;
import io.statetree.actuate.StateTreeChangesEndpointWebExtension;
import io.statetree.core.StateController;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link StateTreeChangesEndpoint statetreechanges} actuator endpoint
 * and its {@link StateTreeChangesEndpointWebExtension web extension}, when the endpoint is
 * available (enabled and exposed): the controller's own commit history (its size is
 * {@code statetree.history.size}, see {@link io.statetree.autoconfigure.StateTreeProperties}),
 * shown under the {@link StateTreeAccess} policy of {@link StateTreeEndpointAutoConfiguration}.
 */
@AutoConfiguration(after = StateTreeEndpointAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, StateController.class })
public final class StateTreeChangesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ StateController.class, StateTreeAccess.class })
	@ConditionalOnAvailableEndpoint
	StateTreeChangesEndpoint stateTreeChangesEndpoint(StateController stateController,
			StateTreeAccess stateTreeAccess) {
		return new StateTreeChangesEndpoint(stateController, stateTreeAccess);
	}

	/**
	 * The HTTP side of the endpoint: it checks the caller's roles and path rules. Created whenever
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
