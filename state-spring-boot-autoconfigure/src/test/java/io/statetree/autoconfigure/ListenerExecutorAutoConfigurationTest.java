package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous listener dispatch runs on the application's executor: the bean named
 * {@code stateTreeListenerExecutor}, else Boot's {@code applicationTaskExecutor}, else the
 * controller's own.
 */
class ListenerExecutorAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateTreeAutoConfiguration.class))
		.withPropertyValues("statetree.listeners.dispatch=async");

	private static String listenerThread(StateController controller) {
		List<String> threads = new CopyOnWriteArrayList<>();
		controller.subscribe("/x", (event) -> threads.add(Thread.currentThread().getName()));
		controller.set("/x", 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
		return threads.get(0);
	}

	@Test
	void usesTheBeanNamedStateTreeListenerExecutorFirst() {
		this.runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withPropertyValues("spring.task.execution.thread-name-prefix=boot-task-")
			.withUserConfiguration(ListenerExecutorConfig.class)
			.run((context) -> assertThat(listenerThread(context.getBean(StateController.class)))
				.startsWith("own-listener-"));
	}

	@Test
	void elseUsesBootsApplicationTaskExecutor() {
		this.runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.withPropertyValues("spring.task.execution.thread-name-prefix=boot-task-")
			.run((context) -> {
				assertThat(context).hasBean("applicationTaskExecutor");
				assertThat(listenerThread(context.getBean(StateController.class))).startsWith("boot-task-");
			});
	}

	@Test
	void elseKeepsTheControllersOwnExecutor() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean("applicationTaskExecutor");
			assertThat(listenerThread(context.getBean(StateController.class))).doesNotStartWith("boot-task-")
				.doesNotStartWith("own-listener-");
		});
	}

	@Test
	void anExecutorUnderAnotherNameIsNotTaken() {
		this.runner.withBean("someOtherExecutor", Executor.class, () -> Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "other-executor");
			thread.setDaemon(true);
			return thread;
		})).run((context) -> assertThat(listenerThread(context.getBean(StateController.class)))
			.isNotEqualTo("other-executor"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerExecutorConfig {

		@Bean(destroyMethod = "shutdown")
		ExecutorService stateTreeListenerExecutor() {
			return Executors.newFixedThreadPool(2, (task) -> {
				Thread thread = new Thread(task, "own-listener-" + System.nanoTime());
				thread.setDaemon(true);
				return thread;
			});
		}

	}

}
