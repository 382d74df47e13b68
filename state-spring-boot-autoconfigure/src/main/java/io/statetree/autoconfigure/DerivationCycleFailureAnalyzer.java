package io.statetree.autoconfigure;

import io.statetree.core.DerivationCycleException;
import io.statetree.spring.InvalidStateMethodException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a derivation cycle, naming the {@code @Derived} method that closed it when there is one.
 */
class DerivationCycleFailureAnalyzer extends AbstractFailureAnalyzer<DerivationCycleException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DerivationCycleException cause) {
		StringBuilder description = new StringBuilder("StateTree derivations form a cycle: ")
			.append(String.join(" -> ", cause.getCycle()))
			.append('.');
		InvalidStateMethodException method = findCause(rootFailure, InvalidStateMethodException.class);
		if (method != null) {
			description.append(" The cycle is closed by method ")
				.append(method.getMethodDescription())
				.append(" of bean '")
				.append(method.getBeanName())
				.append("'.");
		}
		return new FailureAnalysis(description.toString(),
				"Change the paths or sources of the derivations so that no derived value feeds, directly or "
						+ "through other derivations, one of its own sources.",
				cause);
	}

}
