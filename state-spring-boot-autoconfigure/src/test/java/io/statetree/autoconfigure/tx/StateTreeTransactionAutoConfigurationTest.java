package io.statetree.autoconfigure.tx;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.core.internal.HeldBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests when StateTree's writes follow Spring transactions: with spring-tx and the property unset
 * or true; not without spring-tx, not with the property false, and never for a controller that is
 * not StateTree's own. The property is known to the unknown-property check in every case.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateTreeTransactionAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class));

	@Test
	void joinsTransactionsByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TransactionalWrites.class);
			assertThat(joinsTransactions(context.getBean(StateController.class))).isTrue();
		});
		this.runner.withPropertyValues("statetree.transactions.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(TransactionalWrites.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("statetree.transactions.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(TransactionalWrites.class);
			assertThat(joinsTransactions(context.getBean(StateController.class))).isFalse();
		});
	}

	@Test
	void backsOffWithoutSpringTxAndTheSettingIsStillKnown() {
		this.runner.withClassLoader(new FilteredClassLoader(TransactionSynchronizationManager.class))
			.withPropertyValues("statetree.transactions.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TransactionalWrites.class));
	}

	@Test
	void aMisspeltSettingFailsStartUp() {
		this.runner.withPropertyValues("statetree.transactions.enabeld=false")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("statetree.transactions.enabeld")
				.hasStackTraceContaining("statetree.transactions.enabled"));
	}

	@Test
	void leavesAnApplicationsOwnControllerAlone(CapturedOutput output) {
		StateController own = StateController.create();
		StateController proxy = (StateController) java.lang.reflect.Proxy.newProxyInstance(
				getClass().getClassLoader(), new Class<?>[] { StateController.class },
				(p, method, args) -> method.invoke(own, args));
		this.runner.withBean(StateController.class, () -> proxy).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("StateTree writes do not join Spring transactions");
		});
		own.close();
	}

	@Test
	void metricsCounterIsOnlyDefinedWithMicrometer() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(FailedStateCommits.class));
		this.runner.withClassLoader(new FilteredClassLoader(io.micrometer.core.instrument.MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(TransactionalWrites.class)
				.doesNotHaveBean(FailedStateCommits.class));
	}

	/** Whether a write inside a transaction synchronisation is held back until it completes. */
	private static boolean joinsTransactions(StateController controller) {
		TransactionSynchronizationManager.initSynchronization();
		try {
			controller.set("/probe", 1);
			boolean held = HeldBatches.of(controller) != null && java.util.concurrent.CompletableFuture
				.supplyAsync(() -> controller.get("/probe"))
				.join() == null;
			for (var synchronization : TransactionSynchronizationManager.getSynchronizations()) {
				synchronization.afterCompletion(org.springframework.transaction.support.TransactionSynchronization.STATUS_ROLLED_BACK);
			}
			return held;
		}
		finally {
			TransactionSynchronizationManager.clearSynchronization();
		}
	}

}
