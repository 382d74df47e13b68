package io.statetree.redis;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractEqualWriteKeepsStoredFormProperties;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link AbstractEqualWriteKeepsStoredFormProperties} on a write-through near cache over
 * {@link RedisBackend}: the cached copy of an equal value never diverges from the bytes Redis keeps.
 */
class RedisNearCacheEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("equalformcache");

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
		return new CachingBackend(REDIS.newBackend(), CachePolicy.defaults());
	}

	@Override
	protected boolean realTime() {
		return true;
	}

}
