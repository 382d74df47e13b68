package io.statetree.core.backend;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * When a {@link CachingBackend} writes its pending commits through to the backend behind it.
 * <p>
 * The defaults ({@link #defaults()}) write through: every commit is written to the delegate
 * before {@code commit} returns ({@code flushOnWrite} and {@code flushOnDelete} on), so no
 * acknowledged write can be lost and the cache only speeds up reads; no flush interval; no flush
 * on read. Turning {@code flushOnWrite} or {@code flushOnDelete} off selects write-behind for
 * such commits: they are kept pending in memory, visible to reads at once, and written on
 * {@link CachingBackend#flush()}, on close, every {@code flushInterval}, on reads when
 * {@code flushOnRead} is on, and before any later commit that is written through. Pending
 * commits are lost if the process dies before they are flushed.
 *
 * @param flushInterval how often a background daemon thread flushes pending commits, or
 * {@code null} for never
 * @param flushOnWrite whether a commit that writes values is flushed before it returns
 * @param flushOnRead whether a read flushes pending commits first
 * @param flushOnDelete whether a commit that deletes is flushed before it returns
 */
public record CachePolicy(@Nullable Duration flushInterval, boolean flushOnWrite, boolean flushOnRead,
		boolean flushOnDelete) {

	private static final CachePolicy DEFAULTS = new CachePolicy(null, true, false, true);

	/**
	 * Checks the interval.
	 * @param flushInterval how often to flush, or {@code null}
	 * @param flushOnWrite whether writes are flushed at once
	 * @param flushOnRead whether reads flush first
	 * @param flushOnDelete whether deletes are flushed at once
	 * @throws IllegalArgumentException if the interval is zero or negative
	 */
	public CachePolicy {
		if (flushInterval != null && (flushInterval.isNegative() || flushInterval.isZero())) {
			throw new IllegalArgumentException("Cache flush interval must be positive, got " + flushInterval);
		}
	}

	/**
	 * Returns the defaults: write-through (flush on write and on delete), no interval, no flush on read.
	 * @return the default policy
	 */
	public static CachePolicy defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts a builder with the {@link #defaults()}.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Tells whether some commits may be kept pending (write-behind).
	 * @return {@code false} when every commit is written through
	 */
	public boolean writeBehind() {
		return !this.flushOnWrite || !this.flushOnDelete;
	}

	Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("flushInterval", (this.flushInterval != null) ? this.flushInterval.toString() : "none");
		description.put("flushOnWrite", this.flushOnWrite);
		description.put("flushOnRead", this.flushOnRead);
		description.put("flushOnDelete", this.flushOnDelete);
		return description;
	}

	/**
	 * Builds a {@link CachePolicy}, starting from the defaults.
	 */
	public static final class Builder {

		private @Nullable Duration flushInterval;

		private boolean flushOnWrite = true;

		private boolean flushOnRead;

		private boolean flushOnDelete = true;

		private Builder() {
		}

		/**
		 * Sets how often a background thread flushes pending commits.
		 * @param flushInterval a positive duration, or {@code null} for never (the default)
		 * @return this builder
		 */
		public Builder flushInterval(@Nullable Duration flushInterval) {
			this.flushInterval = flushInterval;
			return this;
		}

		/**
		 * Sets whether commits that write values are written through before they return.
		 * @param flushOnWrite {@code true} by default
		 * @return this builder
		 */
		public Builder flushOnWrite(boolean flushOnWrite) {
			this.flushOnWrite = flushOnWrite;
			return this;
		}

		/**
		 * Sets whether reads flush pending commits first.
		 * @param flushOnRead {@code false} by default
		 * @return this builder
		 */
		public Builder flushOnRead(boolean flushOnRead) {
			this.flushOnRead = flushOnRead;
			return this;
		}

		/**
		 * Sets whether commits that delete are written through before they return.
		 * @param flushOnDelete {@code true} by default
		 * @return this builder
		 */
		public Builder flushOnDelete(boolean flushOnDelete) {
			this.flushOnDelete = flushOnDelete;
			return this;
		}

		/**
		 * Builds the policy.
		 * @return the policy
		 */
		public CachePolicy build() {
			return new CachePolicy(this.flushInterval, this.flushOnWrite, this.flushOnRead, this.flushOnDelete);
		}

	}

}
