package io.statetree.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * How a controller runs its durable group listeners (DESIGN §13): attempts and back-off before
 * an event becomes a dead letter, how many keys it handles at once, and how long a member's claim
 * on a partition lasts unless renewed. Immutable.
 * @param maxAttempts the most calls of a listener for one event, 1 to 100
 * @param initialBackoff the wait before the second attempt, doubling after each further one
 * (1 ms to 1 hour)
 * @param concurrency how many keys this instance handles at once, per group (1 to 256)
 * @param claimTimeout how long a claim lasts unless renewed (1 s to 1 day)
 */
public record GroupSettings(int maxAttempts, Duration initialBackoff, int concurrency, Duration claimTimeout) {

	/** The defaults: 5 attempts, 100 ms initial back-off, 4 keys at once, 30 s claim timeout. */
	public static final GroupSettings DEFAULTS = new GroupSettings(5, Duration.ofMillis(100), 4, Duration.ofSeconds(30));

	/**
	 * Checks the settings.
	 * @throws IllegalArgumentException naming the setting and the value when one is out of range
	 */
	public GroupSettings {
		Objects.requireNonNull(initialBackoff, "initialBackoff");
		Objects.requireNonNull(claimTimeout, "claimTimeout");
		if (maxAttempts < 1 || maxAttempts > 100) {
			throw new IllegalArgumentException("maxAttempts must be between 1 and 100, got " + maxAttempts);
		}
		if (initialBackoff.compareTo(Duration.ofMillis(1)) < 0 || initialBackoff.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException("initialBackoff must be between 1 ms and 1 hour, got " + initialBackoff);
		}
		if (concurrency < 1 || concurrency > 256) {
			throw new IllegalArgumentException("concurrency must be between 1 and 256, got " + concurrency);
		}
		if (claimTimeout.compareTo(Duration.ofSeconds(1)) < 0 || claimTimeout.compareTo(Duration.ofDays(1)) > 0) {
			throw new IllegalArgumentException("claimTimeout must be between 1 s and 1 day, got " + claimTimeout);
		}
	}

}
