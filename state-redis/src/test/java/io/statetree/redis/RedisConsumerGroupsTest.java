package io.statetree.redis;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.backend.AbstractConsumerGroupsTest;
import io.statetree.core.backend.ConsumerGroups;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The consumer groups contract on {@link RedisConsumerGroups}, each test in a fresh namespace; the
 * second instance's view is another backend on its own connection factory.
 */
@ExtendWith(RedisTestServer.class)
class RedisConsumerGroupsTest extends AbstractConsumerGroupsTest {

	private static LettuceConnectionFactory factory;

	private static LettuceConnectionFactory otherFactory;

	private static int namespaces;

	private final List<RedisBackend> backends = new ArrayList<>();

	private String namespace;

	@BeforeAll
	static void connect() {
		factory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
		otherFactory = RedisTestServer.createConnectionFactory(RedisTestServer.endpoint());
	}

	@AfterAll
	static void disconnect() {
		factory.destroy();
		otherFactory.destroy();
	}

	@Override
	protected ConsumerGroups newGroups() {
		this.namespace = "groups-" + ProcessHandle.current().pid() + "-" + (++namespaces);
		return backend(factory).consumerGroups();
	}

	@Override
	protected ConsumerGroups sameStore(ConsumerGroups store) {
		return backend(otherFactory).consumerGroups();
	}

	@Override
	protected void closeGroups() {
		this.backends.forEach(RedisBackend::close);
	}

	private RedisBackend backend(LettuceConnectionFactory connections) {
		RedisBackend backend = RedisBackend.builder(connections).namespace(this.namespace).build();
		this.backends.add(backend);
		return backend;
	}

}
