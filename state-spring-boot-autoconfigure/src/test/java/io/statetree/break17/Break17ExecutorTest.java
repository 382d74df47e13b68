package io.statetree.break17;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17 part 5 (the application's executor) tried in a whole application: Boot's
 * {@code applicationTaskExecutor} (threads named {@code task-N}, {@code spring.task.execution.*})
 * runs async listeners and, on files, the asynchronous API.
 */
class Break17ExecutorTest {

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UserApplication {

	}

	private static ConfigurableApplicationContext run(String... args) {
		SpringApplication application = new SpringApplication(UserApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		return application.run(args);
	}

	@Test
	void asyncListenersRunOnBootsTaskExecutor() {
		try (ConfigurableApplicationContext context = run("--statetree.listeners.dispatch=async",
				"--spring.task.execution.thread-name-prefix=app-exec-", "--management.health.redis.enabled=false",
				"--spring.jmx.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			List<String> threads = new CopyOnWriteArrayList<>();
			state.subscribe("/x", (event) -> threads.add(Thread.currentThread().getName()));
			state.set("/x", 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
			assertThat(threads.get(0)).startsWith("app-exec-");
		}
	}

	@Test
	void theAsyncApiOnFilesRunsOnBootsTaskExecutor() throws Exception {
		Path directory = Files.createTempDirectory("break17-exec");
		try (ConfigurableApplicationContext context = run("--statetree.backend=filesystem",
				"--statetree.filesystem.directory=" + directory, "--statetree.filesystem.fsync=false",
				"--spring.task.execution.thread-name-prefix=app-exec-", "--management.health.redis.enabled=false",
				"--spring.jmx.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			List<String> threads = new CopyOnWriteArrayList<>();
			state.subscribe("/x", (event) -> threads.add(Thread.currentThread().getName()));
			state.async().set("/x", 1).join();
			assertThat(threads).hasSize(1);
			assertThat(threads.get(0)).as("the synchronous listener of an async write runs where the write ran")
				.startsWith("app-exec-");
		}
	}

}
