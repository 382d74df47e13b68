package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The bubbling walk of one change across several listeners (DESIGN §5, rule 1): the events at
 * level {@code k} (0 is the deepest) may run once every event at a deeper level finished, and are
 * skipped when one of those stopped bubbling. Guarded by its own monitor.
 */
final class BubblingWalk {

	/** Per level, how many events have not finished yet. */
	private final int[] remaining;

	private int stoppedAt = Integer.MAX_VALUE;

	private final List<Runnable> wakes = new ArrayList<>(2);

	BubblingWalk(int[] remaining) {
		this.remaining = remaining;
	}

	synchronized boolean isTurn(int level) {
		for (int i = 0; i < level; i++) {
			if (this.remaining[i] > 0) {
				return false;
			}
		}
		return true;
	}

	/** Registers a one-shot wake-up for the next finished event, unless the level's turn came. */
	boolean isTurnOrWake(int level, Runnable wake) {
		synchronized (this) {
			if (isTurn(level)) {
				return true;
			}
			this.wakes.add(wake);
			return false;
		}
	}

	synchronized void awaitTurn(int level) {
		boolean interrupted = false;
		while (!isTurn(level)) {
			try {
				wait();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	synchronized boolean stoppedAbove(int level) {
		return this.stoppedAt < level;
	}

	void done(int level, boolean stopped) {
		List<Runnable> toWake;
		synchronized (this) {
			this.remaining[level]--;
			if (stopped) {
				this.stoppedAt = Math.min(this.stoppedAt, level);
			}
			notifyAll();
			if (this.wakes.isEmpty()) {
				return;
			}
			toWake = List.copyOf(this.wakes);
			this.wakes.clear();
		}
		for (Runnable wake : toWake) {
			wake.run();
		}
	}

}
