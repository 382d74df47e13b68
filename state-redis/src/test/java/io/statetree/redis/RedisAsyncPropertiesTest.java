package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractAsyncProperties;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link AbstractAsyncProperties} on {@link RedisBackend}: the asynchronous API gives the
 * synchronous API's results, tree and events (each store a fresh namespace). On a Redis backend
 * whose {@code isNonBlocking()} is true this runs the controller's non-blocking path, else the
 * executor path.
 */
class RedisAsyncPropertiesTest extends AbstractAsyncProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("async");

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
