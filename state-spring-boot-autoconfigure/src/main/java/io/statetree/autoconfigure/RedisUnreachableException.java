package io.statetree.autoconfigure;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import io.statetree.core.StateException;

/**
 * Redis could not be reached when the Redis backend started: the address (never a password) and
 * which kind of failure, for {@link RedisUnreachableFailureAnalyzer}.
 */
final class RedisUnreachableException extends StateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String address;

	private final Kind kind;

	/**
	 * Creates the exception.
	 * @param property the property that selected Redis, e.g. {@code statetree.backend}
	 * @param address where the connection factory connects, e.g. {@code redis://localhost:6379/0}
	 * @param cause the failure, whose chain tells the kind
	 */
	RedisUnreachableException(String property, String address, Throwable cause) {
		this(property, address, Kind.of(cause), cause);
	}

	private RedisUnreachableException(String property, String address, Kind kind, Throwable cause) {
		super(property + " is redis, but Redis at " + address + " cannot be reached: " + kind.description, cause);
		this.property = property;
		this.address = address;
		this.kind = kind;
	}

	String getProperty() {
		return this.property;
	}

	String getAddress() {
		return this.address;
	}

	Kind getKind() {
		return this.kind;
	}

	/**
	 * Why Redis could not be reached, told from the failure's causes.
	 */
	enum Kind {

		/** Nothing listens at the address. */
		CONNECTION_REFUSED("the connection was refused",
				"Check that Redis is running and listens on that host and port "
						+ "(spring.data.redis.host, spring.data.redis.port or spring.data.redis.url)."),

		/** The host name does not resolve. */
		UNKNOWN_HOST("the host name is unknown",
				"Check the host name in spring.data.redis.host or spring.data.redis.url, and the DNS."),

		/** The server refused the credentials. */
		AUTHENTICATION("Redis refused the credentials",
				"Check spring.data.redis.username and spring.data.redis.password (or the credentials in "
						+ "spring.data.redis.url)."),

		/** No answer in time. */
		TIMEOUT("no answer in time",
				"Check that the host is reachable from here (firewall, network, TLS with spring.data.redis.ssl.enabled) "
						+ "and, for a slow network, spring.data.redis.connect-timeout and spring.data.redis.timeout."),

		/** Anything else. */
		OTHER("the connection failed",
				"Check that Redis is running at that address and the spring.data.redis.* settings.");

		private final String description;

		private final String action;

		Kind(String description, String action) {
			this.description = description;
			this.action = action;
		}

		String description() {
			return this.description;
		}

		String action() {
			return this.action;
		}

		/**
		 * Tells the kind from a failure's causes (the first that says).
		 * @param failure the failure
		 * @return the kind
		 */
		static Kind of(Throwable failure) {
			for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
				Kind kind = ofOne(t);
				if (kind != OTHER) {
					return kind;
				}
			}
			return OTHER;
		}

		private static Kind ofOne(Throwable t) {
			String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
			if (message.contains("NOAUTH") || message.contains("WRONGPASS") || message.contains("INVALID PASSWORD")
					|| message.contains("INVALID USERNAME-PASSWORD")) {
				return AUTHENTICATION;
			}
			if (t instanceof UnknownHostException) {
				return UNKNOWN_HOST;
			}
			String type = t.getClass().getSimpleName();
			if (t instanceof SocketTimeoutException || t instanceof TimeoutException || type.endsWith("TimeoutException")) {
				return TIMEOUT;
			}
			if (t instanceof ConnectException) {
				return message.contains("TIMED OUT") ? TIMEOUT : CONNECTION_REFUSED;
			}
			return OTHER;
		}

	}

}
