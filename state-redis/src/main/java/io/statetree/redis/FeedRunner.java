package io.statetree.redis;

import java.time.Duration;

import io.statetree.core.backend.BackendListener;
import org.jspecify.annotations.Nullable;

/**
 * Owns a backend's change feed: creates it when a listener is set, and starts, stops and restarts
 * its reading thread. With {@code startWithListener} the feed reads as soon as a listener is set;
 * otherwise a feed is created (positioned at the stream's end, so nothing written from then on is
 * missed) but reads only once {@link #start()} is called. A stop keeps the feed's position: the
 * next start delivers what was written in between, as long as the stream still holds it.
 * <p>
 * Thread-safe: every method holds the runner's lock (a stop waits for the thread under it).
 */
final class FeedRunner {

	/** Makes a feed for a listener; the feed takes the stream's current end as its position. */
	@FunctionalInterface
	interface Feeds {

		ChangeFeed create(BackendListener listener);

	}

	private final Object lock = new Object();

	private final Feeds feeds;

	private final Runnable onStart;

	private @Nullable ChangeFeed feed;

	private boolean started;

	/**
	 * @param feeds makes a feed for a listener
	 * @param onStart run whenever a feed starts reading (the expiry sweep starts with it)
	 * @param startWithListener whether the feed reads as soon as a listener is set
	 */
	FeedRunner(Feeds feeds, Runnable onStart, boolean startWithListener) {
		this.feeds = feeds;
		this.onStart = onStart;
		this.started = startWithListener;
	}

	/**
	 * Creates the feed (reading if started), replaces its listener, or, with {@code null}, stops
	 * and forgets it.
	 */
	void listen(@Nullable BackendListener listener, Duration stopTimeout) {
		synchronized (this.lock) {
			if (this.feed != null && listener != null) {
				this.feed.setListener(listener);
				return;
			}
			if (this.feed != null) {
				this.feed.stop(stopTimeout);
				this.feed = null;
			}
			if (listener != null) {
				ChangeFeed created = this.feeds.create(listener);
				this.feed = created;
				if (this.started) {
					created.start();
					this.onStart.run();
				}
			}
		}
	}

	/** Starts reading (now, or once a listener is set). */
	void start() {
		synchronized (this.lock) {
			this.started = true;
			if (this.feed != null && !this.feed.isRunning()) {
				this.feed.start();
				this.onStart.run();
			}
		}
	}

	/** Stops reading, keeping the position; whether the thread ended within the timeout. */
	boolean stop(Duration timeout) {
		synchronized (this.lock) {
			this.started = false;
			return this.feed == null || this.feed.stop(timeout);
		}
	}

	/** Stops and forgets the feed. */
	void close(Duration timeout) {
		synchronized (this.lock) {
			this.started = false;
			if (this.feed != null) {
				this.feed.stop(timeout);
				this.feed = null;
			}
		}
	}

	boolean isRunning() {
		synchronized (this.lock) {
			return this.feed != null && this.feed.isRunning();
		}
	}

	boolean isAlive() {
		synchronized (this.lock) {
			return this.feed != null && this.feed.isAlive();
		}
	}

	/** Whether a feed was started and is not alive (its connection is down, or its thread died). */
	boolean isDown() {
		synchronized (this.lock) {
			return this.feed != null && this.started && !this.feed.isAlive();
		}
	}

	/** Catches the running feed up to a revision ({@link ChangeFeed#catchUp}); {@code true} without one. */
	boolean catchUp(long revision) {
		ChangeFeed current;
		synchronized (this.lock) {
			current = this.feed;
		}
		return current == null || current.catchUp(revision);
	}

	/** The feed, or {@code null} before a listener was set: for tests of this package. */
	@Nullable ChangeFeed feed() {
		synchronized (this.lock) {
			return this.feed;
		}
	}

	long lagMillis() {
		ChangeFeed current;
		synchronized (this.lock) {
			current = this.feed;
		}
		return (current != null && current.isRunning()) ? current.lagMillis() : -1;
	}

}
