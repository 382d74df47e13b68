package io.statetree.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import io.statetree.core.StateController;
import io.statetree.spring.StateControllerCustomizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asynchronous API of the auto-configured controller (DESIGN §15) runs on the application's
 * task executor when there is one, and an application's customizer can name another.
 */
class AsyncExecutorAutoConfigurationTest {

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class));

	/** The name of the thread an asynchronous write on files ran on (its listener runs there). */
	private static String writerThread(StateController controller) {
		List<String> threads = new CopyOnWriteArrayList<>();
		controller.subscribe("/x", (e) -> threads.add(Thread.currentThread().getName()));
		assertThat(controller.async().set("/x", threads.size() + 1).join()).isTrue();
		return threads.get(0);
	}

	@Test
	void asyncCallsRunOnTheApplicationTaskExecutor() {
		this.runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.directory,
					"spring.task.execution.thread-name-prefix=app-task-")
			.run((context) -> {
				assertThat(context).hasBean("applicationTaskExecutor");
				assertThat(writerThread(context.getBean(StateController.class))).startsWith("app-task-");
			});
	}

	@Test
	void withoutATaskExecutorTheControllersOwnDefaultRuns() {
		this.runner
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.directory)
			.run((context) -> {
				assertThat(context).doesNotHaveBean("applicationTaskExecutor");
				assertThat(writerThread(context.getBean(StateController.class))).startsWith("statetree-async-");
			});
	}

	@Test
	void anApplicationCustomizerWins() {
		this.runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withPropertyValues("statetree.backend=filesystem", "statetree.filesystem.directory=" + this.directory)
			.withBean("mine", StateControllerCustomizer.class, () -> (builder) -> builder.asyncExecutor(mine()))
			.run((context) -> assertThat(writerThread(context.getBean(StateController.class))).isEqualTo("mine"));
	}

	private static Executor mine() {
		return (task) -> {
			Thread thread = new Thread(task, "mine");
			thread.setDaemon(true);
			thread.start();
		};
	}

}
