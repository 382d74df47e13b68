package io.statetree.redis;

import java.nio.file.Path;

import io.statetree.core.AbstractLifetimesLeaveValuesProperties;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** {@link AbstractLifetimesLeaveValuesProperties} on {@link RedisBackend} (each store a fresh namespace). */
class RedisLifetimesLeaveValuesPropertiesTest extends AbstractLifetimesLeaveValuesProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("lifetimes-values");

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
