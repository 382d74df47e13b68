package io.statetree.autoconfigure;

import java.util.concurrent.Executor;

import io.statetree.spring.StateControllerCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Asynchronous listener dispatch ({@code statetree.listeners.dispatch=async}) runs on the
 * application's executor when it has one: the {@link Executor} bean named
 * {@value #LISTENER_EXECUTOR}, else Spring Boot's {@value #APPLICATION_TASK_EXECUTOR} (configured
 * with {@code spring.task.execution.*}), else the controller's own (virtual threads where the JVM
 * has them). The customizer runs first, so an application's {@link StateControllerCustomizer} can
 * still set another executor.
 */
@Configuration(proxyBeanMethods = false)
class ListenerExecutorConfiguration {

	/** The name of the executor bean StateTree's listeners prefer. */
	static final String LISTENER_EXECUTOR = "stateTreeListenerExecutor";

	/** The name of Spring Boot's task executor. */
	static final String APPLICATION_TASK_EXECUTOR = "applicationTaskExecutor";

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnMissingBean(name = "stateTreeListenerExecutorCustomizer")
	StateControllerCustomizer stateTreeListenerExecutorCustomizer(
			@Qualifier(LISTENER_EXECUTOR) ObjectProvider<Executor> listenerExecutor,
			@Qualifier(APPLICATION_TASK_EXECUTOR) ObjectProvider<Executor> applicationTaskExecutor) {
		return (builder) -> {
			Executor executor = listenerExecutor.getIfUnique(applicationTaskExecutor::getIfUnique);
			if (executor != null) {
				builder.executor(executor);
			}
		};
	}

}
