package io.statetree.autoconfigure;

import io.statetree.core.DerivationCycleException;
import io.statetree.spring.InvalidStateMethodException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@code @OnStateChange} or {@code @Derived} method that cannot be registered,
 * naming the bean and the method; a group member the backend cannot serve is told which backends
 * can. Derivation cycles are left to {@link DerivationCycleFailureAnalyzer}.
 */
class InvalidStateMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidStateMethodException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, InvalidStateMethodException cause) {
		if (cause.getCause() instanceof DerivationCycleException) {
			return null;
		}
		String description = "Method " + cause.getMethodDescription() + " of bean '" + cause.getBeanName()
				+ "' cannot be registered with StateTree: " + cause.getReason() + ".";
		if (cause.getCause() instanceof UnsupportedOperationException) {
			return new FailureAnalysis(description,
					"Run group listeners on a backend that keeps group progress: memory, the filesystem or "
							+ "Redis as the root; a Redis mount under another root, or the near cache in front of "
							+ "Redis (statetree.cache.enabled), cannot. Or drop 'group' to make the method an "
							+ "ordinary listener, heard on every instance.",
					cause);
		}
		return new FailureAnalysis(description,
				"Fix the method's annotation or parameters. A member of a group (@OnStateChange(group = ...)) "
						+ "declares exactly one pattern, the same on every member, and a group name of 1 to 100 "
						+ "letters, digits, '.', '_' or '-'. An @OnStateChange method takes a StateEvent, "
						+ "@PathVar and @OldValue parameters and at most one other parameter (the new value); a "
						+ "@Derived method takes one parameter per source, one DeriveData, or (without sources) "
						+ "one StateView, and returns the derived value.",
				cause);
	}

}
