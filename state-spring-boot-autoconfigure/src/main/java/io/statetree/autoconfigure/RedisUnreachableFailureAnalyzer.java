package io.statetree.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains Redis unreachable at start-up: the address (never a password), the kind of failure
 * (refused, unknown host, credentials, timeout) and what to check.
 */
class RedisUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<RedisUnreachableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisUnreachableException cause) {
		return new FailureAnalysis("Property '" + cause.getProperty() + "' selects the Redis backend, but Redis at "
				+ cause.getAddress() + " cannot be reached: " + cause.getKind().description() + ".",
				cause.getKind().action(), cause);
	}

}
