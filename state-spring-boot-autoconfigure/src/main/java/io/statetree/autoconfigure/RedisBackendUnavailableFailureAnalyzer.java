package io.statetree.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a Redis backend that cannot be created, naming the artifact to add.
 */
class RedisBackendUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<RedisBackendUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisBackendUnavailableException cause) {
		return new FailureAnalysis("Property '" + cause.getProperty() + "' selects the Redis backend, but "
				+ cause.getMissing().description() + ".", cause.getMissing().action(), cause);
	}

}
