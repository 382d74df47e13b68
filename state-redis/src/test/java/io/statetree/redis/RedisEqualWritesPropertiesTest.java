package io.statetree.redis;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.AbstractEqualWritesProperties;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link AbstractEqualWritesProperties} on {@link RedisBackend}: commit.lua leaves a value equal to
 * the one written untouched (each store a fresh namespace, reopened as a new backend on it).
 */
class RedisEqualWritesPropertiesTest extends AbstractEqualWritesProperties {

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private static LettuceConnectionFactory factory;

	@BeforeContainer
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterContainer
	static void disconnect() {
		if (factory != null) {
			factory.destroy();
		}
	}

	@Override
	protected List<Opener> newStores() {
		String namespace = "equal-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		return List.of(new Opener() {

			@Override
			public StateBackend open() {
				return RedisBackend.builder(factory).namespace(namespace).build();
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
