package io.statetree.redis;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.AbstractAsyncProperties;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link AbstractAsyncProperties} on {@link RedisBackend}: the asynchronous API gives the
 * synchronous API's results, tree and events (each store a fresh namespace). On a Redis backend
 * whose {@code isNonBlocking()} is true this runs the controller's non-blocking path, else the
 * executor path.
 */
class RedisAsyncPropertiesTest extends AbstractAsyncProperties {

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
	protected StateBackend newBackend(Path directory) {
		String namespace = "async-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		return RedisBackend.builder(factory).namespace(namespace).build();
	}

}
