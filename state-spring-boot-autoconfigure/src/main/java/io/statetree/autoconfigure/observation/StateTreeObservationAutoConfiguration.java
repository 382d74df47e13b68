package io.statetree.autoconfigure.observation;

import java.util.Locale;

import io.micrometer.observation.ObservationRegistry;
import io.statetree.autoconfigure.StateTreeProperties;
import io.statetree.core.ControllerObserver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Where Micrometer Observation is present and the application has an {@link ObservationRegistry},
 * StateTree's controller reports its commits, listener calls and derivation calls as observations
 * ({@code statetree.commit}, {@code statetree.listener}, {@code statetree.derivation}), next to
 * its meters.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ ObservationRegistry.class, ControllerObserver.class })
@ConditionalOnBean(ObservationRegistry.class)
public final class StateTreeObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "stateTreeObservationObserver")
	ControllerObserver stateTreeObservationObserver(ObservationRegistry registry, StateTreeProperties properties) {
		return new ObservationControllerObserver(registry, properties.getBackend().name().toLowerCase(Locale.ROOT),
				properties.getInstanceId());
	}

}
