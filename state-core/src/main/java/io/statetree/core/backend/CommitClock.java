package io.statetree.core.backend;

import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

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

		/** The thread this slot belongs to. */
		final Thread owner;

		long nanos;

		boolean lent;

		Slot(Thread owner) {
			this.owner = owner;
		}

	}

	private final LongSupplier nanoClock;

	private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(() -> new Slot(Thread.currentThread()));

	/**
	 * The slot used last, so a thread that commits again finds its own without a thread-local
	 * lookup (three per write with a time to live). Racy on purpose: a thread uses the slot only
	 * when it is its own (the owner is a final field, so any thread reads it whole); another
	 * thread's slot sends it to its thread-local. It keeps at most one finished thread reachable.
	 */
	private @Nullable Slot last;

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
		Slot slot = slot();
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
			Slot slot = slot();
			if (slot.lent) {
				return slot.nanos;
			}
		}
		return this.nanoClock.getAsLong();
	}

	/** Ends the lending on this thread: later commits read the clock afresh. */
	void release() {
		if (this.everLent) {
			slot().lent = false;
		}
	}

	/** This thread's slot. */
	private Slot slot() {
		Slot slot = this.last;
		if (slot != null && slot.owner == Thread.currentThread()) {
			return slot;
		}
		slot = this.slots.get();
		this.last = slot;
		return slot;
	}

}
