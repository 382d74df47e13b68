package io.statetree.core.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.statetree.core.StateController.Dispatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers commits to listeners one after another, in the order they were submitted (which the
 * controller makes the revision order by submitting under its commit lock).
 * <p>
 * Synchronous mode: the writing thread drains the queue after its commit, outside every lock;
 * one thread drains at a time, so a writer that finds another draining waits for it and then
 * finds its own commit delivered. A write made by a listener is queued and delivered after the
 * current commit's listeners finish (by the same drain loop), never recursively. Asynchronous
 * mode: one drain task at a time runs on the executor.
 */
final class Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/** The listener rounds a cascade of listener writes may run before it is stopped. */
	static final int MAX_CASCADE_DEPTH = 1_000;

	/**
	 * Per thread: the cascade depth of the commit being delivered, -1 when not delivering. Kept for
	 * the thread's life (one small array) rather than removed after each drain, which is costly.
	 */
	private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[] { -1 });

	/** How many threads are delivering right now, so writers outside listeners skip the thread-local. */
	private static final java.util.concurrent.atomic.AtomicInteger DELIVERING = new java.util.concurrent.atomic.AtomicInteger();

	private final ConcurrentLinkedQueue<CommitRecord> queue = new ConcurrentLinkedQueue<>();

	private final ReentrantLock drainLock = new ReentrantLock();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Dispatch mode;

	private final @Nullable Executor executor;

	private final Function<CommitRecord, @Nullable Throwable> deliverer;

	Dispatcher(Dispatch mode, @Nullable Executor executor, Function<CommitRecord, @Nullable Throwable> deliverer) {
		this.mode = mode;
		this.executor = executor;
		this.deliverer = deliverer;
	}

	/**
	 * Returns the cascade depth of the listener running on this thread, or -1 outside listeners.
	 */
	static int currentDepth() {
		if (DELIVERING.get() == 0) {
			return -1;
		}
		return DEPTH.get()[0];
	}

	void submit(CommitRecord record) {
		this.queue.add(record);
	}

	/**
	 * Delivers what is queued. In synchronous mode, returns the first listener failure of this
	 * drain (for {@code on-error=rethrow}); a nested call from inside a listener returns at once.
	 */
	@Nullable Throwable drain() {
		if (this.mode == Dispatch.ASYNC) {
			schedule();
			return null;
		}
		if (this.queue.isEmpty() || currentDepth() >= 0 || this.drainLock.isHeldByCurrentThread()) {
			return null;
		}
		this.drainLock.lock();
		try {
			return drainQueue();
		}
		finally {
			this.drainLock.unlock();
		}
	}

	private @Nullable Throwable drainQueue() {
		Throwable first = null;
		CommitRecord record;
		int[] depth = DEPTH.get();
		DELIVERING.incrementAndGet();
		try {
			while ((record = this.queue.poll()) != null) {
				depth[0] = record.depth();
				Throwable failure = this.deliverer.apply(record);
				if (first == null) {
					first = failure;
				}
			}
		}
		finally {
			depth[0] = -1;
			DELIVERING.decrementAndGet();
		}
		return first;
	}

	private void schedule() {
		if (this.queue.isEmpty() || !this.scheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.executor.execute(this::runAsync);
		}
		catch (RuntimeException ex) {
			this.scheduled.set(false);
			logger.error("StateTree could not schedule listener dispatch; {} commits wait", this.queue.size(), ex);
		}
	}

	private void runAsync() {
		try {
			this.drainLock.lock();
			try {
				drainQueue();
			}
			finally {
				this.drainLock.unlock();
			}
		}
		catch (RuntimeException | Error ex) {
			logger.error("StateTree listener dispatch failed", ex);
		}
		finally {
			this.scheduled.set(false);
		}
		if (!this.queue.isEmpty()) {
			schedule();
		}
	}

	/**
	 * Waits until everything queued so far has been delivered (asynchronous mode), for tests and
	 * orderly shutdown.
	 */
	void awaitIdle(long timeoutMillis) {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		while ((!this.queue.isEmpty() || this.scheduled.get() || this.drainLock.isLocked())
				&& System.currentTimeMillis() < deadline) {
			Thread.onSpinWait();
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
