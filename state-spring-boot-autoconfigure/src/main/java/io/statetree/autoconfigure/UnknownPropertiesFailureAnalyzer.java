package io.statetree.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains {@code statetree.*} properties that StateTree does not know: each key, where it was
 * set, and the closest known key.
 */
class UnknownPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<UnknownPropertiesException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownPropertiesException cause) {
		StringBuilder description = new StringBuilder(
				"StateTree does not know these properties (a misspelt key would be ignored):\n");
		for (UnknownPropertiesException.UnknownProperty property : cause.getProperties()) {
			description.append("\n    Property: ").append(property.name());
			if (property.origin() != null) {
				description.append("\n    Origin: ").append(property.origin());
			}
			description.append("\n    Closest known property: ")
				.append((property.closest() != null) ? property.closest() : "none is close")
				.append('\n');
		}
		return new FailureAnalysis(description.toString(),
				"Correct or remove the properties above; the README's configuration table lists every StateTree "
						+ "property. To only log unknown properties (for example while a shared configuration is "
						+ "rolled out to older and newer versions), set statetree.fail-on-unknown-properties to false.",
				cause);
	}

}
