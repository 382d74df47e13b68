package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractBatchReadsProperties;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link AbstractBatchReadsProperties} on {@link RedisBackend} (each store a fresh namespace): every
 * read inside a batch or a held batch sees its writes, and an asynchronous write inside a held
 * batch joins it rather than taking the non-blocking commit path.
 */
class RedisBatchReadsPropertiesTest extends AbstractBatchReadsProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("batch-reads");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected StateBackend newBackend(Path directory) {
		return REDIS.newBackend();
	}

}
