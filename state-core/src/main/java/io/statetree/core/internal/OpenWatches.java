package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch subscriptions of one controller that have not ended, so that closing the controller
 * can end them: each gets {@code onComplete} (DESIGN §5, §11) rather than waiting forever for an
 * event that will never come. A subscription added after the close is told so at once.
 * Thread-safe.
 */
final class OpenWatches {

	private static final Logger logger = LoggerFactory.getLogger(OpenWatches.class);

	/** A watch subscription the close ends. */
	interface Closeable {

		/** Delivers what is buffered while demand allows, then signals {@code onComplete}. */
		void controllerClosed();

	}

	private final Set<Closeable> open = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	/**
	 * Adds a subscription.
	 * @return false if the controller is already closed: the caller ends the subscription itself
	 */
	boolean add(Closeable watch) {
		this.open.add(watch);
		if (this.closed) {
			this.open.remove(watch);
			return false;
		}
		return true;
	}

	void remove(Closeable watch) {
		this.open.remove(watch);
	}

	/**
	 * Ends every open subscription; later {@link #add}s are refused. A subscriber that throws
	 * (breaking Reactive Streams §2.13) is logged, and the others are still ended.
	 */
	void closeAll() {
		this.closed = true;
		List<Closeable> ending = new ArrayList<>(this.open);
		this.open.clear();
		for (Closeable watch : ending) {
			try {
				watch.controllerClosed();
			}
			catch (RuntimeException ex) {
				logger.warn("A StateTree watch subscriber threw while being completed on close", ex);
			}
		}
	}

}
