package io.statetree.test.internal;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.test.StateTreeTestEvents;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Imported by {@link io.statetree.test.AutoConfigureStateTree}: the recorded events of the
 * controller and the reset after each test method ({@link StateTreeTestReset}). Not public API.
 */
@AutoConfiguration(after = StateTreeAutoConfiguration.class)
@ConditionalOnBean(StateController.class)
public final class StateTreeTestAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	StateTreeTestEvents stateTreeTestEvents(StateController stateController) {
		return StateTreeTestEvents.record(stateController);
	}

	@Bean
	@ConditionalOnMissingBean
	StateTreeTestReset stateTreeTestReset(StateController stateController, StateTreeTestEvents events) {
		return new StateTreeTestReset(stateController, events);
	}

}
