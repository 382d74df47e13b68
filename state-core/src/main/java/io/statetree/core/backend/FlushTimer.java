package io.statetree.core.backend;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The thread that flushes a {@link CachingBackend} at its policy's interval (DESIGN §7): one
 * daemon thread, {@code statetree-cache-flush}, running the flush with a fixed delay (at least one
 * millisecond). {@link #stop()} waits up to ten seconds for a flush in progress. Thread-safe.
 */
final class FlushTimer {

	private final ScheduledExecutorService executor;

	private FlushTimer(ScheduledExecutorService executor) {
		this.executor = executor;
	}

	/**
	 * Starts the thread.
	 * @param interval the delay between the end of one flush and the start of the next
	 * @param flush the flush; it must not throw (it logs)
	 * @return the running timer
	 */
	static FlushTimer start(Duration interval, Runnable flush) {
		long millis = Math.max(1, interval.toMillis());
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
			Thread thread = new Thread(task, "statetree-cache-flush");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(flush, millis, millis, TimeUnit.MILLISECONDS);
		return new FlushTimer(executor);
	}

	/** Stops the thread, waiting for a flush in progress; keeps the interrupt if interrupted. */
	void stop() {
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
