package io.statetree.autoconfigure;

import io.statetree.autoconfigure.tx.StateTreeTransactionProperties;
import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController;
import io.statetree.core.StateControllerBuilder;
import io.statetree.core.backend.StateBackend;
import io.statetree.spring.StateControllerCustomizer;
import io.statetree.spring.StateTreeAnnotationBeanPostProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration for StateTree: a {@link StateBackend} assembled from the {@code statetree.*}
 * properties, a {@link StateController} over it using the application's {@link JsonMapper} (when it
 * has one, such as Spring Boot's with {@code spring-boot-jackson}; else the controller builds a plain
 * one the first time it converts a value), and the processing of {@link io.statetree.spring.OnStateChange @OnStateChange} and
 * {@link io.statetree.spring.Derived @Derived} methods.
 * <p>
 * The backend and the controller back off when the application defines its own. The controller
 * is built from the properties first, then by every {@link StateControllerCustomizer} bean in
 * order, and is given every {@link ControllerObserver} bean, in order. It keeps
 * {@code statetree.history.size} commits in memory when its backend keeps no history of its own;
 * with Spring Security on the classpath a write's default actor is the authenticated principal's
 * name. Its asynchronous API runs on the application's task executor
 * ({@link AsyncExecutorConfiguration}). Its durable group listeners follow {@code statetree.groups.*}
 * ({@link StateTreeGroupsProperties}). It is closed
 * when the context closes, which flushes caches and stops feeds.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration" })
@ConditionalOnClass(StateController.class)
@EnableConfigurationProperties({ StateTreeProperties.class, StateTreeGroupsProperties.class,
		StateTreeTransactionProperties.class })
@ImportRuntimeHints(StateTreeRuntimeHints.class)
@Import({ BackendConfigurations.MemoryBackendConfiguration.class,
		BackendConfigurations.FileSystemBackendConfiguration.class, RedisBackendConfiguration.class,
		StartupConfiguration.class, AsyncExecutorConfiguration.class, ListenerExecutorConfiguration.class })
public final class StateTreeAutoConfiguration {

	/** The largest {@code statetree.history.size} the controller accepts. */
	static final int MAX_HISTORY_SIZE = 1_000_000;

	@Bean
	@ConditionalOnMissingBean
	StateBackend stateBackend(StateTreeProperties properties, ObjectProvider<BackendFactory> factories,
			ResourceLoader resourceLoader) {
		ClassLoader classLoader = resourceLoader.getClassLoader();
		return new StateBackends(properties, factories.orderedStream().toList(),
				CoreBackends.nearCache(properties.getCache()), CoreBackends::mount,
				(classLoader != null) ? classLoader : StateTreeAutoConfiguration.class.getClassLoader())
			.create();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	StateController stateController(StateBackend stateBackend, StateTreeProperties properties,
			StateTreeGroupsProperties groups, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<ControllerObserver> observers, ObjectProvider<StateControllerCustomizer> customizers) {
		JsonMapper mapper = jsonMapper.getIfAvailable();
		StateTreeListenersProperties listeners = properties.getListeners();
		if (listeners.getQueueCapacity() < 1) {
			throw new InvalidConfigurationPropertyValueException("statetree.listeners.queue-capacity",
					listeners.getQueueCapacity(), "The capacity of a listener's queue must be at least 1 event.");
		}
		if (listeners.getOfferTimeout() == null || listeners.getOfferTimeout().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("statetree.listeners.offer-timeout",
					listeners.getOfferTimeout(), "The offer timeout must be zero or positive.");
		}
		int historySize = historySize(properties);
		StateControllerBuilder builder = StateController.builder()
			.backend(stateBackend)
			.dispatch(properties.getListeners().getDispatch())
			.onError(properties.getListeners().getOnError())
			.queueCapacity(properties.getListeners().getQueueCapacity())
			.offerTimeout(properties.getListeners().getOfferTimeout())
			.historySize(historySize);
		GroupListenerSettings.apply(groups, builder);
		if (mapper != null) {
			builder.jsonMapper(mapper);
		}
		if (properties.getInstanceId() != null) {
			builder.instanceId(properties.getInstanceId());
		}
		observers.orderedStream().forEach(builder::observer);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		StateController controller = builder.build();
		Resource initialState = properties.getInitialState();
		if (initialState != null) {
			try {
				InitialState.load(controller, initialState, (mapper != null) ? mapper : JsonMapper.builder().build());
			}
			catch (RuntimeException ex) {
				try {
					controller.close();
				}
				catch (RuntimeException closeFailure) {
					ex.addSuppressed(closeFailure);
				}
				throw ex;
			}
		}
		return controller;
	}

	/**
	 * With Spring Security on the classpath, the controller records the authenticated principal's
	 * name as the actor of a write that names none ({@link SecurityPrincipalActor}). The customizer
	 * runs first, so an application's own {@link StateControllerCustomizer} can set another
	 * default actor.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
	static final class SecurityActorConfiguration {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		StateControllerCustomizer stateTreeSecurityActorCustomizer() {
			return (builder) -> builder.defaultActor(new SecurityPrincipalActor());
		}

	}

	/**
	 * Returns {@code statetree.history.size}, checked.
	 * @throws InvalidConfigurationPropertyValueException if it is outside 0–1,000,000
	 */
	static int historySize(StateTreeProperties properties) {
		int historySize = properties.getHistory().getSize();
		if (historySize < 0 || historySize > MAX_HISTORY_SIZE) {
			throw new InvalidConfigurationPropertyValueException("statetree.history.size", historySize,
					"The history size must be between 0 (keep none) and 1,000,000 commits.");
		}
		return historySize;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static StateTreeAnnotationBeanPostProcessor stateTreeAnnotationBeanPostProcessor() {
		return new StateTreeAnnotationBeanPostProcessor();
	}

}
