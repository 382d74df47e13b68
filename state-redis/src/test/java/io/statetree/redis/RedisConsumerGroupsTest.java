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

	private static final RedisTestFixture REDIS = new RedisTestFixture("groups", 2);

	private final List<RedisBackend> backends = new ArrayList<>();

	private String namespace;

	@BeforeAll
	static void connect() {
		REDIS.connect();
	}

	@AfterAll
	static void disconnect() {
		REDIS.disconnect();
	}

	@Override
	protected ConsumerGroups newGroups() {
		this.namespace = REDIS.newNamespace();
		return backend(REDIS.factory()).consumerGroups();
	}

	@Override
	protected ConsumerGroups sameStore(ConsumerGroups store) {
		return backend(REDIS.factory(1)).consumerGroups();
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
