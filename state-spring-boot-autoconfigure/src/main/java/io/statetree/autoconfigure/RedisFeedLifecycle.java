package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.redis.RedisBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the change feeds of the Redis backends the starter creates (DESIGN §8): they are built not
 * to read when their controller sets its listener, and start reading when the application context
 * has been refreshed (lifecycle beans start at the end of the refresh, after every singleton
 * exists), so no listener hears another instance's commit while beans are still being created; the
 * commits made meanwhile are delivered then, in order.
 * <p>
 * Its phase is one above {@link StateControllerLifecycle}'s, which is one above the connection
 * factory's: it starts after the connection factory and stops before both, so the feeds stop
 * while Redis can still be reached and no read in flight fails against a stopped factory. Each
 * stop waits at most {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default) for all
 * feeds together. {@code ConfigurableApplicationContext.stop()} and {@code start()} stop and resume
 * the feeds, which then read on from where they stopped.
 * <p>
 * Thread-safe.
 */
final class RedisFeedLifecycle implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(RedisFeedLifecycle.class);

	private final List<RedisBackend> backends = new CopyOnWriteArrayList<>();

	private final int phase;

	private final Duration timeout;

	private boolean running;

	/**
	 * @param phase the lifecycle phase
	 * @param timeout how long a stop waits for all feeds together
	 */
	RedisFeedLifecycle(int phase, Duration timeout) {
		this.phase = phase;
		this.timeout = timeout;
	}

	/**
	 * Adds a backend built with {@code startFeedWithListener(false)}; its feed starts now if the
	 * lifecycle runs, else with the lifecycle.
	 * @param backend the backend
	 * @return the backend
	 */
	synchronized RedisBackend register(RedisBackend backend) {
		this.backends.add(backend);
		if (this.running) {
			backend.startFeed();
		}
		return backend;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		for (RedisBackend backend : this.backends) {
			backend.startFeed();
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		long deadline = System.nanoTime() + this.timeout.toNanos();
		for (RedisBackend backend : this.backends) {
			Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
			if (!backend.stopFeed(left)) {
				logger.warn("StateTree change feed of {} did not stop within {}", backend, this.timeout);
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	/** How long a stop waits, for tests. */
	Duration timeout() {
		return this.timeout;
	}

	/** The backends registered, for tests. */
	List<RedisBackend> backends() {
		return List.copyOf(this.backends);
	}

}
