package io.statetree.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * How a reader that must read with no commit in progress (a tracked effect's or a computed
 * value's read at its pinned snapshot, {@link EffectJournal}) waits for the controller's commit
 * lock: for as long as commits keep completing, and gives up only after a whole
 * {@linkplain #patienceNanos() patience} (one second by default) in which none completed.
 * <p>
 * The lock is not fair, so a writer committing in a loop can take it back again and again before
 * a waiting reader runs; under load that starved readers past a fixed bound, and a reader that
 * gave up read live values (issue glitch25). A commit that holds the lock a whole patience
 * without completing may be waiting for the reader itself (a derivation reading a computed value
 * whose computation waits here): giving up then breaks the cycle, and the caller must not use
 * what it reads as a snapshot. An interrupt does not change the outcome; it is kept for the
 * caller. Thread-safe.
 */
final class PatientCommitLock {

	/** The default patience: one second. */
	static final long DEFAULT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final ReentrantLock lock;

	/** Counts completed commits: the journal's sequence. */
	private final LongSupplier progress;

	private volatile long patienceNanos = DEFAULT_PATIENCE_NANOS;

	/** The least time a computed value's {@code get} goes on without a completed commit before it throws. */
	private volatile long minStallNanos = ComputedImpl.MIN_STALL_NANOS;

	PatientCommitLock(ReentrantLock lock, LongSupplier progress) {
		this.lock = lock;
		this.progress = progress;
	}

	/** The longest wait without a completed commit before {@link #acquire} gives up, in nanoseconds. */
	long patienceNanos() {
		return this.patienceNanos;
	}

	/**
	 * Sets the patience (tests shorten it to reach the give-up path without waiting seconds).
	 * @param nanos the patience in nanoseconds, positive
	 * @throws IllegalArgumentException if it is not positive
	 */
	void patienceNanos(long nanos) {
		if (nanos <= 0) {
			throw new IllegalArgumentException("The commit lock patience must be positive, got " + nanos + " ns");
		}
		this.patienceNanos = nanos;
	}

	/**
	 * The least time without a completed commit before a computed value's {@code get} gives up
	 * ({@link ComputedImpl}), in nanoseconds.
	 */
	long minStallNanos() {
		return this.minStallNanos;
	}

	/**
	 * Sets that least time (a test that stalls a get on purpose shortens it; the default is
	 * {@link ComputedImpl#MIN_STALL_NANOS}).
	 * @param nanos the time in nanoseconds, positive
	 * @throws IllegalArgumentException if it is not positive
	 */
	void minStallNanos(long nanos) {
		if (nanos <= 0) {
			throw new IllegalArgumentException("The computed get's stall bound must be positive, got " + nanos + " ns");
		}
		this.minStallNanos = nanos;
	}

	/**
	 * Takes the commit lock, waiting while commits complete.
	 * @return whether it is held (release it with {@link #release}); {@code false} when no
	 * commit completed during a whole patience
	 */
	boolean acquire() {
		boolean interrupted = false;
		try {
			long seen = this.progress.getAsLong();
			while (true) {
				try {
					if (this.lock.tryLock(this.patienceNanos, TimeUnit.NANOSECONDS)) {
						return true;
					}
				}
				catch (InterruptedException ex) {
					interrupted = true;
					continue;
				}
				long now = this.progress.getAsLong();
				if (now == seen) {
					return false;
				}
				seen = now;
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Lets go of the lock {@link #acquire} took. */
	void release() {
		this.lock.unlock();
	}

}
