package io.statetree.core.internal;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.statetree.core.Effect;
import io.statetree.core.StateListener;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * A tracked effect: re-run when a path its last run read changes in a commit after the revision
 * it was read at.
 * <p>
 * One run at a time: a thread that finds the effect running (on another thread, or further up
 * its own stack) does not wait; it marks the effect so that the running thread checks again
 * before it lets go ({@link #claimFor}, {@link #tryFinish}).
 */
final class EffectImpl implements Effect {

	final String id;

	final StateListener function;

	/** The paths the last run read, each with the revision it was read at. */
	volatile Map<StatePath, Long> readAt = Map.of();

	volatile boolean closed;

	/** Rate-limits the logging of this effect's failures. */
	final FailureLog failures = new FailureLog();

	private final EffectRunner owner;

	private final Object lock = new Object();

	/** Guarded by lock. */
	private boolean running;

	/** Guarded by lock: a commit was offered while running; check the journal again. */
	private boolean recheck;

	/** Guarded by lock: a ping or resync offered while running, to deliver after the run. */
	private @Nullable Event forced;

	EffectImpl(EffectRunner owner, String id, StateListener function) {
		this.owner = owner;
		this.id = id;
		this.function = function;
	}

	/**
	 * Claims the effect for a run at its start ({@code track}): nobody else can hold it yet.
	 */
	void claim() {
		synchronized (this.lock) {
			this.running = true;
		}
	}

	/**
	 * Claims the effect for a run if a commit concerns it. The decision is taken under the lock
	 * that the running thread lets go under, so a commit its last run already saw never runs it
	 * again.
	 * @param trigger the event a commit runs the effect with, given its current reads, or null
	 * @param journaled whether the commit is in the journal (a ping or a resync is not, and is
	 * remembered for the running thread instead)
	 * @return the event to run it with, now claimed; null when it was not claimed (not
	 * concerned, or running elsewhere: then the running thread checks again before it finishes)
	 */
	@Nullable Event claimFor(Function<EffectImpl, @Nullable Event> trigger, boolean journaled) {
		synchronized (this.lock) {
			if (this.running) {
				this.recheck = true;
				if (!journaled) {
					Event event = trigger.apply(this);
					if (event != null) {
						this.forced = event;
					}
				}
				return null;
			}
			Event event = trigger.apply(this);
			if (event != null) {
				this.running = true;
			}
			return event;
		}
	}

	/**
	 * Lets go of the effect unless someone offered it something while it ran.
	 * @return null when the effect was let go; else {@link #RECHECK} or a forced event to run
	 */
	@Nullable Object tryFinish() {
		synchronized (this.lock) {
			Event event = this.forced;
			if (event != null) {
				this.forced = null;
				this.recheck = false;
				return event;
			}
			if (this.recheck) {
				this.recheck = false;
				return RECHECK;
			}
			this.running = false;
			return null;
		}
	}

	/** Lets go of the effect whatever happened (after a fatal error). */
	void release() {
		synchronized (this.lock) {
			this.running = false;
			this.recheck = false;
			this.forced = null;
		}
	}

	static final Object RECHECK = new Object();

	@Override
	public Set<StatePath> dependencies() {
		return this.readAt.keySet();
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.owner.remove(this);
		}
	}

	@Override
	public String toString() {
		return "Effect[" + this.id + " <- " + this.readAt.keySet() + "]";
	}

}
