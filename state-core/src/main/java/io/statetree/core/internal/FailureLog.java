package io.statetree.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides how to log the failures of one listener: the first in full (with its stack trace),
 * then at most one summary per interval, carrying the count of failures since the last line.
 * Thread-safe.
 */
final class FailureLog {

	/** The shortest time between two summary lines of one listener. */
	static final long SUMMARY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** {@link #record()}: log this failure with its stack trace. */
	static final long LOG_FULL = -1;

	/** {@link #record()}: count this failure, log nothing now. */
	static final long QUIET = 0;

	private final long intervalNanos;

	private final LongSupplier clock;

	private boolean loggedFirst;

	private long lastLine;

	private long unreported;

	FailureLog() {
		this(SUMMARY_INTERVAL_NANOS, System::nanoTime);
	}

	FailureLog(long intervalNanos, LongSupplier clock) {
		this.intervalNanos = intervalNanos;
		this.clock = clock;
	}

	/**
	 * Records one failure.
	 * @return {@link #LOG_FULL}, {@link #QUIET}, or a positive count: log one summary line
	 * saying that many failures happened since the last line (this one included)
	 */
	synchronized long record() {
		long now = this.clock.getAsLong();
		if (!this.loggedFirst) {
			this.loggedFirst = true;
			this.lastLine = now;
			return LOG_FULL;
		}
		this.unreported++;
		if (now - this.lastLine < this.intervalNanos) {
			return QUIET;
		}
		long count = this.unreported;
		this.unreported = 0;
		this.lastLine = now;
		return count;
	}

}
