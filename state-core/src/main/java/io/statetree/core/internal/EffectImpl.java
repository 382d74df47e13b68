package io.statetree.core.internal;

import java.util.Map;
import java.util.Set;

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
 * before it lets go ({@link #tryStart}, {@link #tryFinish}).
 */
final class EffectImpl implements Effect {

	final String id;

	final StateListener function;

	/** The paths the last run read, each with the revision it was read at. */
	volatile Map<StatePath, Long> readAt = Map.of();

	volatile boolean closed;

	private final DefaultStateController owner;

	private final Object lock = new Object();

	/** Guarded by lock. */
	private boolean running;

	/** Guarded by lock: a commit was offered while running; check the journal again. */
	private boolean recheck;

	/** Guarded by lock: a ping or resync offered while running, to deliver after the run. */
	private @Nullable Event forced;

	EffectImpl(DefaultStateController owner, String id, StateListener function) {
		this.owner = owner;
		this.id = id;
		this.function = function;
	}

	/**
	 * Claims the effect for a run.
	 * @param pending an event that cannot be found again in the journal (a ping, a resync) to
	 * remember when another thread holds the effect, or null
	 * @return true when this thread now runs it; false when it was running (then the running
	 * thread checks again before it finishes)
	 */
	boolean tryStart(@Nullable Event pending) {
		synchronized (this.lock) {
			if (this.running) {
				this.recheck = true;
				if (pending != null) {
					this.forced = pending;
				}
				return false;
			}
			this.running = true;
			return true;
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
			this.owner.removeEffect(this);
		}
	}

	@Override
	public String toString() {
		return "Effect[" + this.id + " <- " + this.readAt.keySet() + "]";
	}

}
