package io.statetree.autoconfigure;

import io.statetree.core.StateException;

/**
 * A backend is configured as {@code redis} but the Redis backend cannot be created: a library is
 * missing from the classpath, or the application has no {@code RedisConnectionFactory}.
 */
public class RedisBackendUnavailableException extends StateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final Missing missing;

	/**
	 * Creates the exception.
	 * @param property the property that selected Redis, e.g. {@code statetree.backend}
	 * @param missing what is missing
	 */
	public RedisBackendUnavailableException(String property, Missing missing) {
		super(property + " is redis, but " + missing.description);
		this.property = property;
		this.missing = missing;
	}

	/**
	 * Returns the property that selected Redis.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Returns what is missing.
	 * @return what is missing
	 */
	public Missing getMissing() {
		return this.missing;
	}

	/**
	 * What the Redis backend lacks.
	 */
	public enum Missing {

		/** The state-redis module is not on the classpath. */
		STATE_REDIS("the StateTree Redis backend (io.statetree:state-redis) is not on the classpath",
				"Add the dependency io.statetree:state-redis, together with "
						+ "org.springframework.boot:spring-boot-starter-data-redis."),

		/** Spring Data Redis is not on the classpath. */
		SPRING_DATA_REDIS("Spring Data Redis is not on the classpath",
				"Add the dependency org.springframework.boot:spring-boot-starter-data-redis."),

		/** No {@code RedisConnectionFactory} bean exists. */
		CONNECTION_FACTORY("the application has no RedisConnectionFactory bean",
				"Add the dependency org.springframework.boot:spring-boot-starter-data-redis and configure "
						+ "spring.data.redis.*, or define a RedisConnectionFactory bean (qualify it with "
						+ "@StateTreeRedisConnectionFactory to reserve it for StateTree).");

		private final String description;

		private final String action;

		Missing(String description, String action) {
			this.description = description;
			this.action = action;
		}

		/**
		 * Describes what is missing.
		 * @return the description
		 */
		public String description() {
			return this.description;
		}

		/**
		 * Tells what to do about it.
		 * @return the action
		 */
		public String action() {
			return this.action;
		}

	}

}
