package io.statetree.autoconfigure;

import java.time.Duration;

import io.statetree.core.StateControllerBuilder;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks the {@code statetree.groups.*} properties and hands them to the controller's builder. A
 * value out of range fails the start with an {@link InvalidConfigurationPropertyValueException}
 * naming the property, its value and the range.
 */
final class GroupListenerSettings {

	private static final String PREFIX = "statetree.groups.";

	private GroupListenerSettings() {
	}

	/**
	 * Applies the properties to a builder.
	 * @throws InvalidConfigurationPropertyValueException when a value is out of range
	 */
	static void apply(StateTreeGroupsProperties properties, StateControllerBuilder builder) {
		int maxAttempts = properties.getMaxAttempts();
		if (maxAttempts < 1 || maxAttempts > 100) {
			throw invalid("max-attempts", maxAttempts, "The number of attempts must be between 1 and 100.");
		}
		Duration initialBackoff = properties.getInitialBackoff();
		if (!within(initialBackoff, Duration.ofMillis(1), Duration.ofHours(1))) {
			throw invalid("initial-backoff", initialBackoff, "The initial back-off must be between 1ms and 1h.");
		}
		int concurrency = properties.getConcurrency();
		if (concurrency < 1 || concurrency > 256) {
			throw invalid("concurrency", concurrency, "The concurrency must be between 1 and 256 keys at once.");
		}
		Duration claimTimeout = properties.getClaimTimeout();
		if (!within(claimTimeout, Duration.ofSeconds(1), Duration.ofDays(1))) {
			throw invalid("claim-timeout", claimTimeout, "The claim timeout must be between 1s and 1d.");
		}
		builder.groupRetries(maxAttempts, initialBackoff).groupConcurrency(concurrency).groupClaimTimeout(claimTimeout);
	}

	private static boolean within(@Nullable Duration value, Duration min, Duration max) {
		return value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
	}

	private static InvalidConfigurationPropertyValueException invalid(String name, @Nullable Object value,
			String reason) {
		return new InvalidConfigurationPropertyValueException(PREFIX + name, value, reason);
	}

}
