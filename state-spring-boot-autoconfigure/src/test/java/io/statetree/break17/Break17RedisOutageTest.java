package io.statetree.break17;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17 part 3 tried as a user with the defaults: an embedded Redis of the test's own that is
 * really stopped (the process, not a proxy) while the application runs, no
 * {@code spring.data.redis.timeout} (Lettuce's 60 s) and no {@code statetree.health.timeout}
 * (README: 2 s). The health endpoint is asked as Boot's web layer asks it.
 */
class Break17RedisOutageTest {

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UserApplication {

	}

	private RedisServer server;

	private int port;

	@AfterEach
	void stopServer() throws IOException {
		if (this.server != null && this.server.isActive()) {
			this.server.stop();
		}
	}

	private RedisServer startServer() throws IOException {
		RedisServer server = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(this.port)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		return server;
	}

	@Test
	void healthAnswersWithinTheDefaultBoundSaysDownWhileRedisIsStoppedAndUpAfter() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			this.port = socket.getLocalPort();
		}
		this.server = startServer();
		SpringApplication application = new SpringApplication(UserApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--statetree.backend=redis",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + this.port,
				"--statetree.redis.namespace=break17-" + ProcessHandle.current().pid(),
				"--management.health.redis.enabled=false", "--management.endpoint.health.probes.enabled=true",
				"--spring.jmx.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			state.set("/before", 1);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(health.healthForPath("statetree").getStatus()).isEqualTo(Status.UP));
			assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);

			this.server.stop();
			for (int i = 0; i < 3; i++) {
				long start = System.nanoTime();
				Status status = health.healthForPath("statetree").getStatus();
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				assertThat(millis).as("call %d answered after (default timeout 2 s)", i).isLessThan(2000 + 1500);
				assertThat(status).as("call %d while Redis is stopped", i).isEqualTo(Status.DOWN);
			}
			long start = System.nanoTime();
			Status readiness = health.healthForPath("readiness").getStatus();
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000 + 1500);
			assertThat(readiness).as("readiness while Redis is stopped").isNotEqualTo(Status.UP);

			this.server = startServer();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(health.healthForPath("statetree").getStatus()).isEqualTo(Status.UP));
			assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
			assertThat(state.set("/after", 2)).isTrue();
			// (the embedded server keeps nothing across its restart, so /before is gone: not checked)
			assertThat(state.get("/after")).isEqualTo(2);
		}
	}

	/**
	 * A Redis mount under a memory root, {@code spring.data.redis.timeout=3s} (1 s failed the
	 * connection's initialisation at start-up under this machine's load), the server process
	 * stopped: the mount's child is DOWN within the bound while the root's is UP; a write to the
	 * mount fails with a {@code StateStorageException} naming the connection within about twice
	 * the command timeout (README); a write below an existing root branch still works.
	 */
	@Test
	void aRedisMountsChildIsDownAndItsWritesFailInBoundedTime() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			this.port = socket.getLocalPort();
		}
		this.server = startServer();
		SpringApplication application = new SpringApplication(UserApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--statetree.mounts.shared.path=/shared",
				"--statetree.mounts.shared.backend=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + this.port, "--spring.data.redis.timeout=3s",
				"--statetree.redis.namespace=break17m-" + ProcessHandle.current().pid(),
				"--management.health.redis.enabled=false", "--spring.jmx.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			state.set("/local/a", 1);
			state.set("/shared/a", 1);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(health.healthForPath("statetree").getStatus()).isEqualTo(Status.UP));

			this.server.stop();
			long start = System.nanoTime();
			assertThat(health.healthForPath("statetree", "shared").getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.healthForPath("statetree", "root").getStatus()).isEqualTo(Status.UP);
			assertThat(health.healthForPath("statetree").getStatus()).isEqualTo(Status.DOWN);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3 * (2000 + 1500));

			start = System.nanoTime();
			Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> state.set("/shared/b", 2));
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(failure).isInstanceOf(io.statetree.core.StateStorageException.class)
				.hasMessageContaining(String.valueOf(this.port));
			assertThat(millis).as("the failed write took (ms)").isLessThan(2 * 3000 + 3000);
			assertThat(state.set("/local/a", 2)).as("a write below an existing root branch").isTrue();
		}
	}

}
