package io.statetree.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.statetree.core.StatePath;
import io.statetree.core.backend.ExpiringEntries;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the entries of a local backend that fall due (DESIGN §12), each with its own expiry
 * commit made through the ordinary commit of the {@link CommitTemplate} (derivations run, the
 * history records it, listeners hear {@link io.statetree.core.StateEvent#isExpiry()}): before any
 * other commit once something is due, so no commit sees an overdue entry, and on its own timer,
 * one daemon thread per controller ({@code statetree-expiry-<instanceId>}), started when the first
 * due time is known and woken at the earliest one. On close it deletes the controller's own
 * ephemeral entries. A backend that expires entries itself (Redis) never reports anything due, so
 * the timer never starts. Thread-safe: the sweeps run under the commit lock; the timer state is
 * volatile.
 */
final class ExpirySweeper {

	private static final Logger logger = LoggerFactory.getLogger(ExpirySweeper.class);

	/** How long the timer waits before trying again after a sweep failed. */
	private static final long RETRY_NANOS = Duration.ofMillis(500).toNanos();

	/** How long the timer pauses when entries are still due right after a sweep (no busy loop). */
	private static final long PAUSE_NANOS = Duration.ofMillis(10).toNanos();

	/** No wake-up is scheduled. */
	private static final long NEVER = Long.MAX_VALUE;

	/** One expiry commit, made and delivered on the calling thread (the controller's close). */
	private static final CommitTemplate.Work<StatePath, @Nullable Void, @Nullable Void> EXPIRE = (commits, path,
			unused, unused2) -> commits.expireLocked(path);

	/** The timer's sweep: the template's sweep before every commit does the work, on the timer's thread. */
	private static final CommitTemplate.Work<@Nullable Void, @Nullable Void, @Nullable Void> SWEEP = (commits, unused,
			unused2, unused3) -> false;

	private final ExpiringEntries entries;

	private final CommitTemplate commits;

	private final String instanceId;

	/** The timer thread, once started. */
	private volatile @Nullable Thread timer;

	/** When the timer wakes next ({@code System.nanoTime}), {@link #NEVER} when it sleeps until woken. */
	private volatile long wakeAt = NEVER;

	/**
	 * A {@code System.nanoTime} reading taken by {@link #committed}: the clock only moves on, so a
	 * time to live whose due time from this reading is already at or after {@link #wakeAt} needs
	 * neither a fresh reading nor a wake.
	 */
	private volatile long clockFloor = Long.MIN_VALUE;

	private volatile boolean stopped;

	/**
	 * Whether a due check may have lent a clock reading that {@link #commitEnded()} has not ended
	 * yet; read and written under the commit lock only.
	 */
	private boolean lent;

	/** Whether the last sweep failed (logged once until one succeeds). */
	private volatile boolean failing;

	ExpirySweeper(ExpiringEntries entries, CommitTemplate commits, String instanceId) {
		this.entries = entries;
		this.commits = commits;
		this.instanceId = instanceId;
	}

	/** Starts the timer when the backend already holds entries with a due time (files after a restart). */
	void start() {
		if (this.entries.nanosUntilNextDue() != Long.MAX_VALUE) {
			wake();
		}
	}

	/**
	 * Whether something is due now: the one check every commit makes. Called with the lock held.
	 * @param lend whether the backend may lend the clock reading it takes here to the commit that
	 * follows, until {@link #commitEnded()}: only when nothing runs between this check and that
	 * commit but the controller's own code (a plain write; not a function, a predicate or a
	 * derivation of the user's, whose time would come off the written value's time to live)
	 * @return {@code true} when an entry is due
	 */
	boolean isDue(boolean lend) {
		if (!lend) {
			return this.entries.nanosUntilNextDue() == 0;
		}
		// ended whatever the answer: a backend may lend the reading it took and still find nothing
		// due (the in-memory index's hint said a due time, its exact scan found none), and a reading
		// that outlived its commit would date a later write's time to live in the past
		this.lent = true;
		return this.entries.nanosUntilNextDueBeforeCommit() == 0;
	}

	/**
	 * Ends the commit {@link #isDue(boolean)} was asked for (made, empty or failed): what the backend lent
	 * goes. Called with the lock held; throws nothing.
	 */
	void commitEnded() {
		if (this.lent) {
			this.lent = false;
			try {
				this.entries.commitEnded();
			}
			catch (RuntimeException ex) {
				logger.debug("StateTree backend failed to end a commit's clock reading", ex);
			}
		}
	}

	/**
	 * Deletes every entry due now, each with its own expiry commit. Called with the commit lock
	 * held; throws nothing (a failed deletion is logged and tried again by the timer).
	 * @return whether any expiry commit was queued for delivery
	 */
	boolean sweepLocked() {
		List<StatePath> due;
		try {
			due = this.entries.due();
		}
		catch (RuntimeException ex) {
			failed(ex);
			return false;
		}
		boolean queued = false;
		for (StatePath path : due) {
			try {
				queued |= this.commits.expireLocked(path);
			}
			catch (RuntimeException ex) {
				failed(ex);
				return queued;
			}
		}
		this.failing = false;
		// the expiry commits took time: the commit that follows counts from a fresh reading
		commitEnded();
		return queued;
	}

	/** Whether the last sweep failed (until one succeeds). */
	boolean failing() {
		return this.failing;
	}

	private void failed(RuntimeException ex) {
		if (this.stopped) {
			logger.debug("StateTree expiry sweep ended by close", ex);
		}
		else if (!this.failing) {
			this.failing = true;
			logger.warn("StateTree could not delete an expired entry; trying again", ex);
		}
		else {
			logger.debug("StateTree could not delete an expired entry; trying again", ex);
		}
	}

	/**
	 * Notes the writes of a commit: a time to live that falls due before the timer's next wake-up
	 * moves it earlier (the common case, a later due time, costs a comparison with an earlier clock
	 * reading, and a fresh reading only when that cannot tell).
	 * Throws nothing: it runs after the commit was recorded.
	 */
	void committed(List<Write> writes) {
		for (int i = 0, n = writes.size(); i < n; i++) {
			Write write = writes.get(i);
			if (write.lifetime() != null && write.lifetime().ttl() != null) {
				long ttl = nanos(write.lifetime().ttl());
				long wakeAt = this.wakeAt;
				if (this.timer != null && wakeAt != NEVER && this.clockFloor != Long.MIN_VALUE
						&& this.clockFloor + ttl >= wakeAt) {
					continue; // due no earlier than floor + ttl, which the timer already wakes for
				}
				if (this.timer != null && wakeAt == NEVER && reportsNoDueTime()) {
					// the commit is recorded, so a due time the backend keeps would show here: this
					// backend sweeps by itself (Redis) and the sleeping timer has nothing to wait for
					continue;
				}
				long now = System.nanoTime();
				this.clockFloor = now;
				if (now + ttl < wakeAt || this.timer == null) {
					wake();
				}
			}
		}
	}

	private boolean reportsNoDueTime() {
		try {
			return this.entries.nanosUntilNextDue() == Long.MAX_VALUE;
		}
		catch (RuntimeException ex) {
			return false; // the timer asks again and reports the failure
		}
	}

	private static long nanos(Duration ttl) {
		try {
			return ttl.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 4;
		}
	}

	/** Wakes the timer, starting it the first time. */
	private void wake() {
		if (this.stopped) {
			return;
		}
		Thread current = this.timer;
		if (current == null) {
			synchronized (this) {
				current = this.timer;
				if (current == null && !this.stopped) {
					current = new Thread(this::runTimer, "statetree-expiry-" + this.instanceId);
					current.setDaemon(true);
					try {
						current.start();
					}
					catch (OutOfMemoryError ex) {
						// no thread to be had now: due entries still go before the next commit, and
						// the next time to live written tries to start the timer again
						logger.warn("StateTree could not start its expiry timer", ex);
						return;
					}
					this.timer = current;
					return;
				}
			}
		}
		if (current != null) {
			LockSupport.unpark(current);
		}
	}

	/**
	 * The timer: sweeps when something is due, else sleeps until the next due time or until a
	 * commit brings an earlier one. The wake-up time is published before the backend is asked
	 * again, so a commit that reads an old wake-up time made its entry visible to that question.
	 */
	private void runTimer() {
		while (!this.stopped) {
			try {
				long asked = System.nanoTime();
				long until = this.entries.nanosUntilNextDue();
				if (until == 0) {
					this.commits.hear(SWEEP, null, null, null);
					if (this.failing) {
						LockSupport.parkNanos(RETRY_NANOS);
					}
					else if (this.entries.nanosUntilNextDue() == 0) {
						// more fell due meanwhile, or the backend still lists what was deleted
						LockSupport.parkNanos(PAUSE_NANOS);
					}
					continue;
				}
				this.wakeAt = (until == Long.MAX_VALUE) ? NEVER : System.nanoTime() + until;
				long again = this.entries.nanosUntilNextDue();
				// Earlier than the time passed since the first question explains: a commit brought an
				// earlier due time. (Comparing with until alone always held, the clock having moved
				// on: the timer never slept.)
				if (until != Long.MAX_VALUE && again < until - (System.nanoTime() - asked)) {
					continue;
				}
				if (until == Long.MAX_VALUE && again != Long.MAX_VALUE) {
					continue;
				}
				if (until == Long.MAX_VALUE) {
					LockSupport.park(this);
				}
				else {
					LockSupport.parkNanos(this, until);
				}
			}
			catch (RuntimeException ex) {
				failed(ex);
				LockSupport.parkNanos(RETRY_NANOS);
			}
		}
	}

	/**
	 * Deletes this instance's ephemeral entries, each with an expiry commit, and stops the timer.
	 * Throws nothing: a failure is logged (the backend's own rules then apply, a lease on Redis).
	 */
	void close() {
		try {
			List<StatePath> own = this.entries.ephemeral(this.instanceId);
			for (StatePath path : own) {
				this.commits.hear(EXPIRE, path, null, null);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree could not delete the ephemeral entries of instance {} on close", this.instanceId,
					ex);
		}
		finally {
			this.stopped = true;
			Thread current = this.timer;
			if (current != null) {
				LockSupport.unpark(current);
				if (current != Thread.currentThread()) {
					try {
						current.join(1_000);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}
		}
	}

}
