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
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * The controller's asynchronous API (DESIGN §15) runs on the application's task executor: the
 * {@code applicationTaskExecutor} bean when there is one (Spring Boot's, virtual threads with
 * {@code spring.threads.virtual.enabled=true}), else the only {@link AsyncTaskExecutor} bean, else
 * the controller's own default. The customizer runs first, so an application's own
 * {@link StateControllerCustomizer} can set another executor.
 */
@Configuration(proxyBeanMethods = false)
final class AsyncExecutorConfiguration {

	/** The name of Spring Boot's application task executor bean. */
	static final String APPLICATION_TASK_EXECUTOR = "applicationTaskExecutor";

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnMissingBean(name = "stateTreeAsyncExecutorCustomizer")
	StateControllerCustomizer stateTreeAsyncExecutorCustomizer(
			@Qualifier(APPLICATION_TASK_EXECUTOR) ObjectProvider<Executor> applicationTaskExecutor,
			ObjectProvider<AsyncTaskExecutor> asyncTaskExecutors) {
		return (builder) -> {
			Executor executor = applicationTaskExecutor.getIfAvailable();
			if (executor == null) {
				executor = asyncTaskExecutors.getIfUnique();
			}
			if (executor != null) {
				builder.asyncExecutor(executor);
			}
		};
	}

}
