package io.statetree.break17;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.autoconfigure.StateTreeAutoConfiguration;
import io.statetree.autoconfigure.tx.H2OrdersDatabase;
import io.statetree.autoconfigure.tx.StateTreeTransactionAutoConfiguration;
import io.statetree.core.StateController;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 part 1 on Redis (embedded server): the synchronous and the asynchronous API inside a
 * transaction that rolls back. Expected: neither is written nor heard.
 */
@ExtendWith(RedisTestServer.class)
class RedisTransactionAsyncWritesTest {

	private ApplicationContextRunner runner(RedisTestServer server) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class,
					StateTreeAutoConfiguration.class, StateTreeTransactionAutoConfiguration.class))
			.withUserConfiguration(H2OrdersDatabase.class)
			.withPropertyValues("spring.data.redis.host=" + endpoint.host(), "spring.data.redis.port=" + endpoint.port(),
					"statetree.backend=redis", "statetree.redis.namespace=" + server.newNamespace());
	}

	@Test
	void theSynchronousApiFollowsARollbackOnRedis(RedisTestServer server) {
		runner(server).run((context) -> {
			StateController state = context.getBean(StateController.class);
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.set("/orders/s", "placed");
				status.setRollbackOnly();
			});
			assertThat(state.get("/orders/s")).isNull();
		});
	}

	@Test
	void theAsynchronousApiFollowsARollbackOnRedis(RedisTestServer server) {
		runner(server).run((context) -> {
			StateController state = context.getBean(StateController.class);
			List<String> heard = new CopyOnWriteArrayList<>();
			state.subscribe("/orders/*", (event) -> heard.add(event.path().toString()));
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				state.async().set("/orders/a", "placed").join();
				state.async().update("/stats/orders", Integer.class, (v) -> (v == null) ? 1 : v + 1).join();
				status.setRollbackOnly();
			});
			assertThat(state.get("/orders/a")).as("async set in a rolled-back transaction").isNull();
			assertThat(state.get("/stats/orders")).as("async update in a rolled-back transaction").isNull();
			assertThat(heard).isEmpty();
		});
	}

}
