package io.statetree.core.internal;

import java.util.LinkedHashSet;
import java.util.Set;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Records the paths read on the current thread while a tracked function runs.
 */
final class Tracker {

	private static final ThreadLocal<@Nullable Tracker> CURRENT = new ThreadLocal<>();

	/** How many trackers are active on any thread, so reads skip the thread-local when none is. */
	private static final java.util.concurrent.atomic.AtomicInteger ACTIVE = new java.util.concurrent.atomic.AtomicInteger();

	private final Set<StatePath> reads = new LinkedHashSet<>();

	private Tracker() {
	}

	/** Tells whether a tracker is active on any thread (a cheap check before looking for this thread's). */
	static boolean active() {
		return ACTIVE.get() != 0;
	}

	static void record(StatePath path) {
		if (ACTIVE.get() == 0) {
			return;
		}
		Tracker tracker = CURRENT.get();
		if (tracker != null) {
			tracker.reads.add(path);
		}
	}

	/**
	 * Runs an action while recording reads.
	 * @param action the action
	 * @return the paths read
	 */
	static Set<StatePath> recording(Runnable action) {
		Tracker previous = CURRENT.get();
		Tracker tracker = new Tracker();
		CURRENT.set(tracker);
		ACTIVE.incrementAndGet();
		try {
			action.run();
		}
		finally {
			ACTIVE.decrementAndGet();
			CURRENT.set(previous);
		}
		return tracker.reads;
	}

}
