package io.statetree.break17;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 17 parts 2 and 3 tried as a user would: a real {@link SpringApplication} with every
 * auto-configuration on this module's test class path (web MVC, security, actuator, Redis, JDBC),
 * started without a web server, configured through a yml file, environment variables and
 * command-line arguments, and its console output read as the user reads it.
 */
@ExtendWith(OutputCaptureExtension.class)
class Break17StartupTest {

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UserApplication {

	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(UserApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application;
	}

	/** Relaxed forms of valid keys (camelCase, snake_case, UPPER, comma lists, list of maps) must start. */
	@Test
	void aYmlWithValidRelaxedFormsStarts() {
		try (ConfigurableApplicationContext context = application().run("--spring.config.name=break17-relaxed",
				"--management.health.redis.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			assertThat(state.instanceId()).isEqualTo("relaxed-1");
			state.set("/sessions/s1", "x");
			state.set("/files/f1", "y");
			assertThat(state.get("/files/f1")).isEqualTo("y");
		}
	}

	/** A misspelt key in a yml fails start-up with the failure analysis printed, naming key, file and closest. */
	@Test
	void aMisspeltKeyInYmlPrintsTheAnalysis(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> application().run("--spring.config.name=break17-typo").close());
		assertThat(failure).isNotNull();
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("statetree.listeners.dispach")
			.contains("statetree.listeners.dispatch")
			.contains("break17-typo.yml");
	}

	/** A misspelt environment variable ({@code STATETREE_BACKND}) is named in the analysis. */
	@Test
	void aMisspeltEnvironmentVariablePrintsTheAnalysis(CapturedOutput output) {
		SpringApplication application = application();
		application.addInitializers((context) -> context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("STATETREE_BACKND", "redis", "PATH", "/usr/bin"))));
		Throwable failure = catchThrowable(() -> application.run().close());
		assertThat(failure).isNotNull();
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("STATETREE_BACKND")
			.contains("statetree.backend");
	}

	/**
	 * Redis given as {@code spring.data.redis.url} with credentials at a closed port: the analysis
	 * is printed (no trace), names the address without the user or password and tells the user to
	 * check the property that gave the address.
	 */
	@Test
	void redisUrlAtAClosedPortPrintsAnAnalysisNamingTheUrlProperty(CapturedOutput output) throws IOException {
		int port = closedPort();
		Throwable failure = catchThrowable(() -> application()
			.run("--statetree.backend=redis", "--spring.data.redis.url=redis://bob:s3cret-pw@127.0.0.1:" + port + "/3",
					"--spring.data.redis.timeout=1s")
			.close());
		assertThat(failure).isNotNull();
		String printed = output.getOut() + output.getErr();
		assertThat(printed).contains("APPLICATION FAILED TO START")
			.contains("redis://127.0.0.1:" + port + "/3")
			.contains("spring.data.redis.url")
			.doesNotContain("s3cret-pw")
			.doesNotContain("bob@");
	}

	/** Redis used only by a mount at a closed port: the analysis names the mount's property. */
	@Test
	void aRedisMountAtAClosedPortPrintsAnAnalysisNamingTheMount(CapturedOutput output) throws IOException {
		int port = closedPort();
		Throwable failure = catchThrowable(() -> application()
			.run("--statetree.mounts.shared.path=/shared", "--statetree.mounts.shared.backend=redis",
					"--spring.data.redis.port=" + port, "--spring.data.redis.timeout=1s")
			.close());
		assertThat(failure).isNotNull();
		String printed = output.getOut() + output.getErr();
		assertThat(printed).contains("APPLICATION FAILED TO START")
			.contains("redis://localhost:" + port)
			.contains("statetree.mounts.shared.backend");
	}

	/** The INFO start-up line states the backend(s), mounts, instance id and dispatch mode. */
	@Test
	void theStartupLineStatesBackendMountsInstanceAndDispatch(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run("--statetree.instance-id=line-1",
				"--statetree.mounts.sessions.path=/sessions", "--statetree.mounts.sessions.backend=memory",
				"--statetree.listeners.dispatch=async")) {
			String line = output.getOut()
				.lines()
				.filter((candidate) -> candidate.contains("line-1"))
				.filter((candidate) -> candidate.contains(" INFO "))
				.findFirst()
				.orElse("(no INFO line naming the instance id)");
			assertThat(line).contains("memory").contains("/sessions").contains("async");
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
