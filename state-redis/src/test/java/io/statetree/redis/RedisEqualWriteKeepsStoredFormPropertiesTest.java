package io.statetree.redis;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractEqualWriteKeepsStoredFormProperties;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link AbstractEqualWriteKeepsStoredFormProperties} on {@link RedisBackend} (a fresh namespace per
 * try): commit.lua leaves the stored bytes of an equal value as they are and applies only its
 * lifetime. The server keeps its own clock, so lifetimes are minutes long and never pass here.
 */
class RedisEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("equalform");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return REDIS.newBackend();
	}

	@Override
	protected boolean realTime() {
		return true;
	}

}
