package io.statetree.autoconfigure.tx;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Auto-configuration that makes the controller's writes follow Spring transactions (DESIGN §14):
 * with spring-tx on the classpath and {@code statetree.transactions.enabled} not false, writes on
 * a thread with an active transaction synchronisation join one batch per transaction, committed
 * after the transaction commits and discarded on rollback. A batch that fails after its
 * transaction committed is counted by the {@code statetree.transactions.failed} counter when the
 * application has a {@link MeterRegistry}.
 */
@AutoConfiguration(after = StateTreeAutoConfiguration.class)
@ConditionalOnClass({ TransactionSynchronizationManager.class, StateController.class })
@ConditionalOnBooleanProperty(name = "statetree.transactions.enabled", matchIfMissing = true)
@ConditionalOnBean(StateController.class)
public final class StateTreeTransactionAutoConfiguration {

	/** The counter of batches that failed after their transaction committed. */
	static final String FAILED_METER = "statetree.transactions.failed";

	@Bean
	@ConditionalOnMissingBean
	TransactionalWrites stateTreeTransactionalWrites(StateController stateController,
			ObjectProvider<FailedStateCommits> failures) {
		return new TransactionalWrites(stateController, failures.getIfAvailable(() -> FailedStateCommits.NONE));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static final class TransactionMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FailedStateCommits stateTreeFailedStateCommits(ObjectProvider<MeterRegistry> registries) {
			return () -> registries.orderedStream()
				.forEach((registry) -> Counter.builder(FAILED_METER)
					.description("StateTree batches that failed after their Spring transaction committed")
					.register(registry)
					.increment());
		}

	}

}
