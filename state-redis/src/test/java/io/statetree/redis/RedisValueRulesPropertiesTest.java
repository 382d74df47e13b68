package io.statetree.redis;

import java.util.List;

import io.statetree.core.AbstractValueRulesProperties;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The value rules' properties on {@link RedisBackend} (embedded or configured server, see
 * {@link RedisTestServer}): each store is a fresh namespace, reopened as a new backend on it.
 */
class RedisValueRulesPropertiesTest extends AbstractValueRulesProperties {

	private static final RedisTestFixture REDIS = new RedisTestFixture("values");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected List<Store> newStores() {
		String namespace = REDIS.newNamespace();
		return List.of(new Store() {

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
