package io.statetree.autoconfigure.endpoint;

import io.statetree.actuate.StateTreeAccess;
import io.statetree.actuate.StateTreeGroupsEndpoint;
import io.statetree.actuate.StateTreeGroupsEndpointWebExtension;
import io.statetree.core.StateController;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link StateTreeGroupsEndpoint statetreegroups} actuator endpoint
 * (durable group listeners and their dead letters) and its
 * {@link StateTreeGroupsEndpointWebExtension web extension}, when the endpoint is available
 * (enabled and exposed), under the {@link StateTreeAccess} policy of
 * {@link StateTreeEndpointAutoConfiguration}.
 */
@AutoConfiguration(after = StateTreeEndpointAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, StateController.class })
public final class StateTreeGroupsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ StateController.class, StateTreeAccess.class })
	@ConditionalOnAvailableEndpoint
	StateTreeGroupsEndpoint stateTreeGroupsEndpoint(StateController stateController, StateTreeAccess stateTreeAccess) {
		return new StateTreeGroupsEndpoint(stateController, stateTreeAccess);
	}

	/**
	 * The HTTP side of the endpoint: it checks the caller's roles and path rules. Created whenever
	 * the endpoint is, whatever its exposure, so that the web never serves the endpoint without
	 * those checks.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(StateTreeGroupsEndpoint.class)
	StateTreeGroupsEndpointWebExtension stateTreeGroupsEndpointWebExtension(
			StateTreeGroupsEndpoint stateTreeGroupsEndpoint) {
		return new StateTreeGroupsEndpointWebExtension(stateTreeGroupsEndpoint);
	}

}
