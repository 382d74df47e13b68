package io.statetree.autoconfigure;

import org.springframework.util.ClassUtils;

/**
 * The failure when a configured backend type has no {@link BackendFactory}: for Redis, which
 * library is missing ({@link RedisBackendUnavailableException}); else a partly excluded
 * auto-configuration. A class of its own so that a start-up that succeeds does not load it, nor
 * the exception.
 */
final class MissingBackendFactory {

	private static final String STATE_REDIS_CLASS = "io.statetree.redis.RedisBackend";

	private static final String SPRING_DATA_REDIS_CLASS = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private MissingBackendFactory() {
	}

	/**
	 * The exception to throw.
	 * @param type the backend type without a factory
	 * @param property the property that names it, such as {@code statetree.backend}
	 * @param classLoader the application's class loader, to tell which library is missing
	 * @return the exception
	 */
	static RuntimeException failure(BackendType type, String property, ClassLoader classLoader) {
		if (type == BackendType.REDIS) {
			if (!ClassUtils.isPresent(STATE_REDIS_CLASS, classLoader)) {
				return new RedisBackendUnavailableException(property, RedisBackendUnavailableException.Missing.STATE_REDIS);
			}
			if (!ClassUtils.isPresent(SPRING_DATA_REDIS_CLASS, classLoader)) {
				return new RedisBackendUnavailableException(property,
						RedisBackendUnavailableException.Missing.SPRING_DATA_REDIS);
			}
		}
		return new IllegalStateException("No factory for the " + OnBackendCondition.name(type) + " backend named by "
				+ property + "; is StateTree's auto-configuration excluded in part?");
	}

}
