package io.statetree.break16;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.statetree.core.StateController;
import io.statetree.core.backend.FileSystemBackend;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Boot application on files that stops while asynchronous writes are queued (README
 * "Asynchronous API": in Boot they run on the application's {@code AsyncTaskExecutor}, which the
 * context also stops): every future is answered, and a future that completed normally has its
 * write stored, one that failed none (checked by reopening the directory).
 */
class Break16ShutdownWithAsyncCallsTest {

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class UserApplication {

	}

	@Test
	void stoppingTheApplicationAnswersEveryAsyncWriteTruthfully() throws Exception {
		Path directory = Files.createTempDirectory("break16-boot");
		SpringApplication application = new SpringApplication(UserApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		List<CompletableFuture<Boolean>> futures = new ArrayList<>();
		try (ConfigurableApplicationContext context = application.run("--statetree.backend=filesystem",
				"--statetree.filesystem.directory=" + directory, "--statetree.filesystem.fsync=false",
				"--management.health.redis.enabled=false", "--spring.jmx.enabled=false")) {
			StateController state = context.getBean(StateController.class);
			for (int i = 0; i < 300; i++) {
				futures.add(state.async().set("/k" + i, i));
			}
		}
		List<String> hanging = new ArrayList<>();
		List<Boolean> succeeded = new ArrayList<>();
		for (int i = 0; i < futures.size(); i++) {
			try {
				futures.get(i).get(20, TimeUnit.SECONDS);
				succeeded.add(true);
			}
			catch (TimeoutException ex) {
				hanging.add("/k" + i);
				succeeded.add(false);
			}
			catch (Exception ex) {
				succeeded.add(false);
			}
		}
		assertThat(hanging).as("futures never answered").isEmpty();
		try (StateController reopened = StateController.builder()
			.backend(FileSystemBackend.builder(directory).fsync(false).build())
			.build()) {
			List<String> lies = new ArrayList<>();
			for (int i = 0; i < futures.size(); i++) {
				Object stored = reopened.get("/k" + i);
				if (succeeded.get(i) && stored == null) {
					lies.add("/k" + i + " reported written, not stored");
				}
				if (!succeeded.get(i) && stored != null) {
					lies.add("/k" + i + " reported failed, stored");
				}
			}
			assertThat(lies).isEmpty();
		}
	}

}
