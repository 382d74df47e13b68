package io.statetree.redis;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.AbstractBatchReadsProperties;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link AbstractBatchReadsProperties} on {@link RedisBackend} (each store a fresh namespace): every
 * read inside a batch or a held batch sees its writes, and an asynchronous write inside a held
 * batch joins it rather than taking the non-blocking commit path.
 */
class RedisBatchReadsPropertiesTest extends AbstractBatchReadsProperties {

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
		String namespace = "batch-reads-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
		return RedisBackend.builder(factory).namespace(namespace).build();
	}

}
