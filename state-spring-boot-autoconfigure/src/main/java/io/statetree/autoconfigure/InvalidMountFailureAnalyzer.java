package io.statetree.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains invalid {@code statetree.mounts.*} properties: a missing path or backend, an invalid
 * path, or mounts that repeat or contain one another.
 */
class InvalidMountFailureAnalyzer extends AbstractFailureAnalyzer<InvalidMountException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidMountException cause) {
		return new FailureAnalysis("Invalid StateTree mount: property '" + cause.getProperty() + "' " + cause.getReason()
				+ ".",
				"Give every entry of statetree.mounts a path and a backend; mount paths must be distinct, other than "
						+ "/, and none may lie inside another (mount /data, or /data/a and /data/b, but not both).",
				cause);
	}

}
