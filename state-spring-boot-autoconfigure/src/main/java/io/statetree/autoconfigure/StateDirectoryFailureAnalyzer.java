package io.statetree.autoconfigure;

import io.statetree.core.backend.StateDirectoryLockedException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a filesystem backend whose directory is not set, cannot be created, is not writable,
 * is already in use by another StateTree backend (another process, or another backend of this
 * application), or lies inside another state directory or contains one.
 */
class StateDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<StateDirectoryException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StateDirectoryException cause) {
		if (cause.getDirectory() == null) {
			return new FailureAnalysis("The StateTree filesystem backend has no directory: property '"
					+ cause.getProperty() + "' is not set.",
					"Set '" + cause.getProperty() + "' to the directory that should hold the state.", cause);
		}
		if (cause.getCause() instanceof StateDirectoryLockedException nested && nested.overlapping() != null) {
			return new FailureAnalysis("The StateTree directory " + cause.getDirectory().toAbsolutePath() + " (property '"
					+ cause.getProperty() + "') overlaps another state directory: " + nested.holder()
					+ ". The backend of the outer directory would read, overwrite and delete the inner one's files.",
					"Give every filesystem backend (the root and each mount) a directory of its own, side by side"
							+ " rather than one inside another (for example ./state/root and ./state/sessions), and move"
							+ " or remove the directory holding .statetree that is in the way.",
					cause);
		}
		if (cause.getCause() instanceof StateDirectoryLockedException locked) {
			return new FailureAnalysis("The StateTree directory " + cause.getDirectory().toAbsolutePath() + " (property '"
					+ cause.getProperty() + "') is already in use by another StateTree backend: " + locked.holder()
					+ ". One process at a time may use a state directory; a second one would lose updates.",
					"Stop the other application (or close the other backend) using that directory, or point '"
							+ cause.getProperty() + "' to a directory of its own. Several instances that share state"
							+ " need the Redis backend.",
					cause);
		}
		return new FailureAnalysis(
				"The StateTree directory " + cause.getDirectory().toAbsolutePath() + " (property '" + cause.getProperty()
						+ "') " + cause.getReason() + ".",
				"Make the directory writable by the application's user, or point '" + cause.getProperty()
						+ "' to a writable directory.",
				cause);
	}

}
