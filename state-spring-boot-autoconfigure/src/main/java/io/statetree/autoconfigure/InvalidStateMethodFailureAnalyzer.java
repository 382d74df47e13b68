package io.statetree.autoconfigure;

import io.statetree.core.DerivationCycleException;
import io.statetree.spring.InvalidStateMethodException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@code @OnStateChange} or {@code @Derived} method that cannot be registered,
 * naming the bean and the method. Derivation cycles are left to {@link DerivationCycleFailureAnalyzer}.
 */
class InvalidStateMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidStateMethodException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, InvalidStateMethodException cause) {
		if (cause.getCause() instanceof DerivationCycleException) {
			return null;
		}
		return new FailureAnalysis(
				"Method " + cause.getMethodDescription() + " of bean '" + cause.getBeanName()
						+ "' cannot be registered with StateTree: " + cause.getReason() + ".",
				"Fix the method's annotation or parameters. An @OnStateChange method takes a StateEvent, "
						+ "@PathVar and @OldValue parameters and at most one other parameter (the new value); a "
						+ "@Derived method takes one parameter per source, one DeriveData, or (without sources) "
						+ "one StateView, and returns the derived value.",
				cause);
	}

}
