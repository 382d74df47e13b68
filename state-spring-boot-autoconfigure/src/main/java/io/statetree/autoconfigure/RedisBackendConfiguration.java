package io.statetree.autoconfigure;

import java.time.Duration;

import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import io.statetree.spring.StateTreeRedisConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis backend factory, when state-redis and Spring Data Redis are on the classpath and a
 * backend is {@code redis}. It uses the {@link RedisConnectionFactory} qualified
 * {@link StateTreeRedisConnectionFactory @StateTreeRedisConnectionFactory} if there is one, else
 * the application's (primary) one. The connection factory is looked up when the backend is
 * created, not before. Redis unreachable then fails start-up with a {@link RedisUnreachableException}
 * naming the address and the kind of failure. The backends' change feeds start once the context is
 * refreshed and stop first; the controller is closed next, before that connection factory stops.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(StateBackend.class)
@ConditionalOnBackend(BackendType.REDIS)
class RedisBackendConfiguration {

	/**
	 * The beans, where the libraries are present. The class condition is on this nested class, so
	 * that it is evaluated only when a backend is {@code redis}: evaluating it loads the classes it
	 * names, which an application on the memory backend with state-redis on its class path should
	 * not pay for. Without the libraries no factory is made and the backend's creation fails with
	 * a {@link RedisBackendUnavailableException} naming the missing one.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisBackend.class, RedisConnectionFactory.class })
	static class Beans {

		@Bean
		BackendFactory redisStateBackendFactory(StateTreeProperties properties,
				@StateTreeRedisConnectionFactory ObjectProvider<RedisConnectionFactory> dedicated,
				ObjectProvider<RedisConnectionFactory> connectionFactories, RedisFeedLifecycle feeds) {
			return new BackendFactory() {

				@Override
				public BackendType type() {
					return BackendType.REDIS;
				}

				@Override
				public StateBackend create(BackendSpec spec) {
					RedisConnectionFactory connectionFactory = dedicated.getIfUnique(connectionFactories::getIfUnique);
					if (connectionFactory == null) {
						throw new RedisBackendUnavailableException(spec.property("backend"),
								RedisBackendUnavailableException.Missing.CONNECTION_FACTORY);
					}
					StateTreeRedisProperties redis = properties.getRedis();
					RedisBackend.Builder builder = RedisBackend.builder(connectionFactory).startFeedWithListener(false);
					String namespace = spec.redisNamespace();
					if (namespace != null) {
						apply(spec.property("redis.namespace"), namespace, () -> builder.namespace(namespace));
					}
					apply("statetree.redis.feed-retention", redis.getFeedRetention(),
							() -> builder.feedRetention(redis.getFeedRetention()));
					apply("statetree.redis.max-value-bytes", redis.getMaxValueBytes(),
							() -> builder.maxValueBytes(redis.getMaxValueBytes()));
					apply("statetree.redis.lease-timeout", redis.getLeaseTimeout(),
							() -> builder.leaseTimeout(redis.getLeaseTimeout()));
					try {
						return feeds.register(builder.build());
					}
					catch (StateStorageException ex) {
						// a start-up failure the analyzer explains, rather than a trace
						throw new RedisUnreachableException(spec.property("backend"), RedisAddress.of(connectionFactory),
								ex);
					}
				}

			};
		}

		/**
		 * Closes the controller before the connection factory stops ({@link StateControllerLifecycle}),
		 * so its ephemeral entries are deleted and its feed stopped while Redis can still be reached.
		 */
		@Bean
		StateControllerLifecycle stateTreeRedisControllerLifecycle(StateController stateController,
				@StateTreeRedisConnectionFactory ObjectProvider<RedisConnectionFactory> dedicated,
				ObjectProvider<RedisConnectionFactory> connectionFactories) {
			RedisConnectionFactory connectionFactory = dedicated.getIfUnique(connectionFactories::getIfUnique);
			return new StateControllerLifecycle(stateController, StateControllerLifecycle.phaseBefore(connectionFactory));
		}

		/**
		 * Starts the feeds of the backends above once the context is refreshed and stops them before
		 * the controller closes and the connection factory stops ({@link RedisFeedLifecycle}).
		 */
		@Bean
		RedisFeedLifecycle stateTreeRedisFeedLifecycle(
				@StateTreeRedisConnectionFactory ObjectProvider<RedisConnectionFactory> dedicated,
				ObjectProvider<RedisConnectionFactory> connectionFactories, ObjectProvider<LifecycleProperties> lifecycle) {
			RedisConnectionFactory connectionFactory = dedicated.getIfUnique(connectionFactories::getIfUnique);
			Duration timeout = lifecycle.getIfAvailable(LifecycleProperties::new).getTimeoutPerShutdownPhase();
			return new RedisFeedLifecycle(StateControllerLifecycle.phaseBefore(connectionFactory) + 1, timeout);
		}

		private static void apply(String property, Object value, Runnable setter) {
			try {
				setter.run();
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property, value, ex.getMessage());
			}
		}

	}

}
