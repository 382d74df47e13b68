package io.statetree.autoconfigure;

import java.time.Duration;

/**
 * Settings of the Redis backend.
 */
public class StateTreeRedisProperties {

	/**
	 * Prefix of every key, kept in one cluster slot.
	 */
	private String namespace = "statetree";

	/**
	 * Number of changes kept in the change feed for instances catching up after a lost
	 * connection. The stream is shared: each commit trims it to its writer's retention, so
	 * the smallest retention among the instances of a namespace wins.
	 */
	private long feedRetention = 10_000;

	/**
	 * Largest value, in bytes of JSON, that one write may store.
	 */
	private long maxValueBytes = 16_777_216;

	/**
	 * How long this instance's ephemeral entries outlive it once it stops renewing its lease
	 * (a crash included): a surviving instance then deletes them. Renewed every third of it.
	 */
	private Duration leaseTimeout = Duration.ofSeconds(10);

	/**
	 * Returns the namespace.
	 * @return the namespace
	 */
	public String getNamespace() {
		return this.namespace;
	}

	/**
	 * Sets the namespace.
	 * @param namespace the namespace
	 */
	public void setNamespace(String namespace) {
		this.namespace = namespace;
	}

	/**
	 * Returns how many changes the feed keeps.
	 * @return the retention
	 */
	public long getFeedRetention() {
		return this.feedRetention;
	}

	/**
	 * Sets how many changes the feed keeps.
	 * @param feedRetention the retention
	 */
	public void setFeedRetention(long feedRetention) {
		this.feedRetention = feedRetention;
	}

	/**
	 * Returns the largest value one write may store.
	 * @return the limit in bytes
	 */
	public long getMaxValueBytes() {
		return this.maxValueBytes;
	}

	/**
	 * Sets the largest value one write may store.
	 * @param maxValueBytes the limit in bytes
	 */
	public void setMaxValueBytes(long maxValueBytes) {
		this.maxValueBytes = maxValueBytes;
	}

	public Duration getLeaseTimeout() {
		return this.leaseTimeout;
	}

	public void setLeaseTimeout(Duration leaseTimeout) {
		this.leaseTimeout = leaseTimeout;
	}

}
