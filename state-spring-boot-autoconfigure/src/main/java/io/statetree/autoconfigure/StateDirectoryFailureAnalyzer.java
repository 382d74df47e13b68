package io.statetree.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a filesystem backend whose directory is not set, cannot be created or is not writable.
 */
class StateDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<StateDirectoryException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StateDirectoryException cause) {
		if (cause.getDirectory() == null) {
			return new FailureAnalysis("The StateTree filesystem backend has no directory: property '"
					+ cause.getProperty() + "' is not set.",
					"Set '" + cause.getProperty() + "' to the directory that should hold the state.", cause);
		}
		return new FailureAnalysis(
				"The StateTree directory " + cause.getDirectory().toAbsolutePath() + " (property '" + cause.getProperty()
						+ "') " + cause.getReason() + ".",
				"Make the directory writable by the application's user, or point '" + cause.getProperty()
						+ "' to a writable directory.",
				cause);
	}

}
