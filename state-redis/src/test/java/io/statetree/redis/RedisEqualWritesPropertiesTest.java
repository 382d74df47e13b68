package io.statetree.redis;

import java.util.List;

import io.statetree.core.AbstractEqualWritesProperties;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link AbstractEqualWritesProperties} on {@link RedisBackend}: commit.lua leaves a value equal to
 * the one written untouched (each store a fresh namespace, reopened as a new backend on it).
 */
class RedisEqualWritesPropertiesTest extends AbstractEqualWritesProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("equal");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected List<Opener> newStores() {
		String namespace = REDIS.newNamespace();
		return List.of(new Opener() {

			@Override
			public StateBackend open() {
				return REDIS.backend(0, namespace);
			}

			@Override
			public boolean persistent() {
				return true;
			}

			@Override
			public void close() {
			}

			@Override
			public String toString() {
				return "redis";
			}

		});
	}

}
