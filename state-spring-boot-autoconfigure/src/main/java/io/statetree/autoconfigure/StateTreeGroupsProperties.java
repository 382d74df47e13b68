package io.statetree.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of durable group listeners ({@code statetree.groups.*}, DESIGN §13):
 * how often a member's listener is called for one event before the event becomes a dead letter,
 * how many keys of one group this instance handles at once, and how long a member's claim on its
 * share of the keys lasts unless renewed.
 */
@ConfigurationProperties("statetree.groups")
public class StateTreeGroupsProperties {

	/**
	 * Most calls of a group listener for one event (1 to 100): a listener that throws is called
	 * again after a back-off, and after the last attempt the event is parked as a dead letter.
	 */
	private int maxAttempts = 5;

	/**
	 * Wait before a group listener's second attempt at an event, doubling before each further
	 * one (1ms to 1h).
	 */
	private Duration initialBackoff = Duration.ofMillis(100);

	/**
	 * Number of keys of one group this instance handles at once (1 to 256); events of one key
	 * are always handled one at a time, in revision order.
	 */
	private int concurrency = 4;

	/**
	 * How long a member's claim on its share of a group's keys lasts unless renewed (1s to 1d):
	 * after it, another member takes the events of a member that stopped or whose listener hangs,
	 * and the late acknowledgement of the hanging one is ignored.
	 */
	private Duration claimTimeout = Duration.ofSeconds(30);

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getInitialBackoff() {
		return this.initialBackoff;
	}

	public void setInitialBackoff(Duration initialBackoff) {
		this.initialBackoff = initialBackoff;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public Duration getClaimTimeout() {
		return this.claimTimeout;
	}

	public void setClaimTimeout(Duration claimTimeout) {
		this.claimTimeout = claimTimeout;
	}

}
