package io.statetree.autoconfigure;

import io.statetree.core.backend.StateBackend;
import io.statetree.spring.StateTreeRedisConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis backend factory, when state-redis and Spring Data Redis are on the classpath and a
 * backend is {@code redis}. It uses the {@link RedisConnectionFactory} qualified
 * {@link StateTreeRedisConnectionFactory @StateTreeRedisConnectionFactory} if there is one, else
 * the application's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "io.statetree.redis.RedisBackend",
		"org.springframework.data.redis.connection.RedisConnectionFactory" })
@ConditionalOnMissingBean(StateBackend.class)
@ConditionalOnBackend(BackendType.REDIS)
class RedisBackendConfiguration {

	@Bean
	BackendFactory redisStateBackendFactory(StateTreeProperties properties,
			@StateTreeRedisConnectionFactory ObjectProvider<RedisConnectionFactory> dedicated,
			ObjectProvider<RedisConnectionFactory> connectionFactories) {
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
				throw new UnsupportedOperationException("TEMP: RedisBackend lands with branch redis");
			}

		};
	}

}
