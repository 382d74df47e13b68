package io.statetree.autoconfigure;

import java.net.ServerSocket;

import com.redis.testcontainers.RedisContainer;
import io.statetree.core.StateController;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend connects where Boot's {@link DataRedisConnectionDetails} say (a
 * {@code @ServiceConnection} container, Docker Compose, or a bean of the application's), not
 * where {@code spring.data.redis.*} points.
 */
@ExtendWith(RedisTestServer.class)
class RedisConnectionDetailsTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JacksonAutoConfiguration.class, DataRedisAutoConfiguration.class, StateTreeAutoConfiguration.class));

	@Test
	void usesTheConnectionDetailsBeanOverTheProperties(RedisTestServer server) throws Exception {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		int unused;
		try (ServerSocket socket = new ServerSocket(0)) {
			unused = socket.getLocalPort();
		}
		DataRedisConnectionDetails details = new DataRedisConnectionDetails() {

			@Override
			public Standalone getStandalone() {
				return Standalone.of(endpoint.host(), endpoint.port());
			}

		};
		String namespace = server.newNamespace();
		this.runner.withBean(DataRedisConnectionDetails.class, () -> details)
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + unused,
					"statetree.backend=redis", "statetree.redis.namespace=" + namespace)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedisBackend backend = (RedisBackend) context.getBean(StateBackend.class);
				assertThat(backend.describe().get("connection")).asString().endsWith(":" + endpoint.port() + "/0");
				StateController controller = context.getBean(StateController.class);
				controller.set("/via/details", "yes");
				assertThat(controller.get("/via/details")).isEqualTo("yes");
				assertThat(backend.isFeedRunning()).isTrue();
			});
	}

	@Test
	void usesAServiceConnectionContainerWhenDockerAnswers() {
		Assumptions.assumeTrue(dockerAnswers(), "No Docker engine answers: the @ServiceConnection test needs a "
				+ "Redis container (the connection-details bean test above covers the same contract without Docker)");
		this.runner.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class))
			.withUserConfiguration(ContainerConfiguration.class)
			.withPropertyValues("spring.data.redis.port=1", "statetree.backend=redis")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StateController controller = context.getBean(StateController.class);
				controller.set("/via/container", 1);
				assertThat(controller.get("/via/container")).isEqualTo(1);
			});
	}

	private static boolean dockerAnswers() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerConfiguration {

		@Bean(destroyMethod = "stop")
		@ServiceConnection
		RedisContainer redisContainer() {
			RedisContainer container = new RedisContainer(DockerImageName.parse("redis:7"));
			container.start();
			return container;
		}

	}

}
