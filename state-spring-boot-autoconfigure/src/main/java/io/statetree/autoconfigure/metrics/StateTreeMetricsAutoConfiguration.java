package io.statetree.autoconfigure.metrics;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.statetree.actuate.StateTreeGroupMetrics;
import io.statetree.actuate.StateTreeMetrics;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of StateTree's Micrometer meters ({@link StateTreeMetrics}), only when the
 * application has a {@link MeterRegistry}: the meters observe the auto-configured controller, and
 * a {@link MeterBinder} adds the {@code statetree.feed.lag} gauge for Redis backends, and
 * {@link StateTreeGroupMetrics} counts the work of durable group listeners.
 */
@AutoConfiguration(after = StateTreeAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, StateController.class })
@ConditionalOnBean(MeterRegistry.class)
public final class StateTreeMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StateTreeMetrics stateTreeMetrics(MeterRegistry meterRegistry) {
		return new StateTreeMetrics(meterRegistry);
	}

	@Bean
	@ConditionalOnMissingBean
	StateTreeGroupMetrics stateTreeGroupMetrics(MeterRegistry meterRegistry,
			ObjectProvider<StateController> stateController) {
		return new StateTreeGroupMetrics(meterRegistry, () -> {
			StateController controller = stateController.getIfUnique();
			return (controller != null) ? controller.groups() : List.of();
		});
	}

	@Bean
	@ConditionalOnBean(StateController.class)
	@ConditionalOnMissingBean(name = "stateTreeFeedLagMeterBinder")
	MeterBinder stateTreeFeedLagMeterBinder(StateController stateController) {
		return StateTreeMetrics.feedLag(stateController);
	}

}
