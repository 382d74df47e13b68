package io.statetree.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the near cache in front of filesystem and Redis backends.
 */
public class StateTreeCacheProperties {

	/**
	 * Whether to keep an in-memory copy in front of every filesystem and Redis backend (the
	 * root's and the mounts'). Memory backends are never cached. By default the cache writes
	 * through: it only speeds up reads.
	 */
	private boolean enabled;

	/**
	 * How often pending writes are flushed in the background. When not set, pending writes
	 * are flushed only when a later commit, a read (with flush-on-read) or the shutdown
	 * flushes them.
	 */
	private @Nullable Duration flushInterval;

	/**
	 * Whether a commit that writes values is written to the backend before it returns. When
	 * off, such commits are written behind (not allowed in front of Redis).
	 */
	private boolean flushOnWrite = true;

	/**
	 * Whether a read first flushes pending writes.
	 */
	private boolean flushOnRead;

	/**
	 * Whether a commit that deletes is written to the backend before it returns. When off,
	 * such commits are written behind (not allowed in front of Redis).
	 */
	private boolean flushOnDelete = true;

	/**
	 * Returns whether the cache is enabled.
	 * @return whether enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Sets whether the cache is enabled.
	 * @param enabled whether enabled
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Returns the flush interval.
	 * @return the interval, or {@code null} for no background flush
	 */
	public @Nullable Duration getFlushInterval() {
		return this.flushInterval;
	}

	/**
	 * Sets the flush interval.
	 * @param flushInterval the interval, or {@code null} for no background flush
	 */
	public void setFlushInterval(@Nullable Duration flushInterval) {
		this.flushInterval = flushInterval;
	}

	/**
	 * Returns whether writes trigger a flush.
	 * @return whether writes flush
	 */
	public boolean isFlushOnWrite() {
		return this.flushOnWrite;
	}

	/**
	 * Sets whether writes trigger a flush.
	 * @param flushOnWrite whether writes flush
	 */
	public void setFlushOnWrite(boolean flushOnWrite) {
		this.flushOnWrite = flushOnWrite;
	}

	/**
	 * Returns whether reads trigger a flush.
	 * @return whether reads flush
	 */
	public boolean isFlushOnRead() {
		return this.flushOnRead;
	}

	/**
	 * Sets whether reads trigger a flush.
	 * @param flushOnRead whether reads flush
	 */
	public void setFlushOnRead(boolean flushOnRead) {
		this.flushOnRead = flushOnRead;
	}

	/**
	 * Returns whether deletes trigger a flush.
	 * @return whether deletes flush
	 */
	public boolean isFlushOnDelete() {
		return this.flushOnDelete;
	}

	/**
	 * Sets whether deletes trigger a flush.
	 * @param flushOnDelete whether deletes flush
	 */
	public void setFlushOnDelete(boolean flushOnDelete) {
		this.flushOnDelete = flushOnDelete;
	}

}
