package io.statetree.autoconfigure.console;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ConsoleWithoutSecurityException}: the console was enabled without Spring
 * Security.
 */
class ConsoleWithoutSecurityFailureAnalyzer extends AbstractFailureAnalyzer<ConsoleWithoutSecurityException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConsoleWithoutSecurityException cause) {
		return new FailureAnalysis(cause.getMessage() + ".",
				"Add spring-boot-starter-security (the console then needs the roles STATETREE_READ to view and "
						+ "STATETREE_WRITE to edit, see statetree.security.read-role / write-role), or set "
						+ "statetree.console.enabled=false.",
				cause);
	}

}
