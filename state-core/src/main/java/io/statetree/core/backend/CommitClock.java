package io.statetree.core.backend;

import java.util.function.LongSupplier;

/**
 * The monotonic clock of a local backend that keeps lifetimes, read at most once per commit: the
 * due check a controller makes right before a commit ({@link ExpiringEntries#nanosUntilNextDueBeforeCommit()})
 * {@linkplain #lend() lends} its reading to that commit, which counts its writes' times to live
 * from it ({@link #forCommit()}) instead of reading the clock again, until the controller
 * {@linkplain #release() releases} it after the commit (made or not). A commit with nothing lent
 * reads the clock itself.
 * <p>
 * A reading is lent to the thread that took it only (a thread-local slot), so two controllers
 * committing to one backend at once never see each other's readings, and a reading lives no longer
 * than the controller's commit: a later commit on the same thread, through the controller or not,
 * reads the clock afresh. Thread-safe: each slot is confined to its thread.
 */
final class CommitClock {

	/** One thread's lent reading; read and written by that thread only. */
	private static final class Slot {

		long nanos;

		boolean lent;

	}

	private final LongSupplier nanoClock;

	private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);

	/**
	 * Whether any reading was ever lent: until then {@link #forCommit()} and {@link #release()}
	 * touch no thread-local (a racy hint, only ever set to {@code true}; a thread that has not seen
	 * it set has lent nothing itself).
	 */
	private volatile boolean everLent;

	/**
	 * Creates the clock.
	 * @param nanoClock the monotonic clock, in nanoseconds
	 */
	CommitClock(LongSupplier nanoClock) {
		this.nanoClock = nanoClock;
	}

	/**
	 * Reads the clock without lending the reading.
	 * @return the current time in nanoseconds
	 */
	long now() {
		return this.nanoClock.getAsLong();
	}

	/**
	 * Reads the clock and lends the reading to the next commit on this thread.
	 * @return the current time in nanoseconds
	 */
	long lend() {
		long now = this.nanoClock.getAsLong();
		Slot slot = this.slots.get();
		slot.nanos = now;
		slot.lent = true;
		if (!this.everLent) {
			this.everLent = true;
		}
		return now;
	}

	/**
	 * The time a commit's times to live count from: the reading lent on this thread, else a fresh one.
	 * @return the time in nanoseconds
	 */
	long forCommit() {
		if (this.everLent) {
			Slot slot = this.slots.get();
			if (slot.lent) {
				return slot.nanos;
			}
		}
		return this.nanoClock.getAsLong();
	}

	/** Ends the lending on this thread: later commits read the clock afresh. */
	void release() {
		if (this.everLent) {
			this.slots.get().lent = false;
		}
	}

}
