package io.statetree.autoconfigure;

import io.statetree.redis.test.RedisTestServer;
import io.statetree.spring.InvalidStateMethodException;
import io.statetree.spring.OnStateChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group member on a backend that is shared between instances but keeps no group progress (a
 * memory root with a Redis mount) fails the start of the application, naming the bean, the method
 * and the backend, rather than hand each event to a member on every instance.
 */
@ExtendWith(RedisTestServer.class)
class GroupListenerOnSharedMountTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class, StateTreeAutoConfiguration.class));

	static class Mailer {

		@OnStateChange(value = "/users/{id}", group = "mail")
		void send() {
		}

	}

	@Test
	void aGroupMemberOnAMemoryRootWithARedisMountFailsTheStart(RedisTestServer server) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		this.runner
			.withPropertyValues("spring.data.redis.host=" + endpoint.host(), "spring.data.redis.port=" + endpoint.port(),
					"statetree.redis.namespace=" + server.newNamespace(), "statetree.mounts.shared.path=/shared",
					"statetree.mounts.shared.backend=redis")
			.withBean("mailer", Mailer.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidStateMethodException failure = Failures.find(context.getStartupFailure(),
						InvalidStateMethodException.class);
				assertThat(failure.getBeanName()).isEqualTo("mailer");
				assertThat(failure.getMethodDescription()).isEqualTo(Mailer.class.getName() + ".send()");
				assertThat(failure.getReason()).contains("group 'mail'").contains("shared");
				assertThat(failure.getCause()).isInstanceOf(UnsupportedOperationException.class);
			});
	}

}
