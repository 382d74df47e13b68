package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.RemoteCommit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivering half of a {@link ChangeFeed}: a daemon thread ({@code statetree-feed-<namespace>})
 * that takes the batches the reading thread queued, decodes each entry's values and hands the
 * commits, and resyncs, to the listener in the order they were queued, while the reading thread
 * reads on. It remembers the last entry delivered, where a restarted feed reads on from.
 * <p>
 * Thread-safe: the reading thread {@linkplain #put queues}, the delivering thread delivers, the
 * feed's lock holder starts and stops; the queue holds at most a fixed number of batches, so a
 * slow listener slows the reading instead of filling the heap.
 */
final class FeedDelivery {

	private static final Logger logger = LoggerFactory.getLogger(ChangeFeed.class);

	private static final long OFFER_MILLIS = 50;

	/**
	 * An entry read, to deliver.
	 *
	 * @param id the stream entry id
	 * @param entry the entry, values not yet decoded
	 */
	record Read(String id, StreamEntry entry) {
	}

	/** What one read queued: entries to deliver, then the position after the read, then maybe a resync. */
	private record Batch(List<Read> reads, String endId, long endRevision, boolean resync, boolean movedBack,
			long number) {
	}

	private final String namespace;

	private final BlockingQueue<Batch> queue;

	private volatile BackendListener listener;

	private volatile @Nullable Thread thread;

	private volatile boolean running;

	private volatile boolean busy;

	private volatile String deliveredId;

	private volatile long deliveredRevision;

	private volatile long lastEntryMillis;

	/** Notified whenever a batch was delivered ({@link #awaitDelivered}). */
	private final Object progress = new Object();

	/** The number of the last batch queued; the feed's read lock holder writes it. */
	private volatile long queued;

	/** The number of the last batch delivered (or dropped by a stop). */
	private volatile long delivered;

	/**
	 * @param namespace the namespace, for the thread name and messages
	 * @param listener who hears the commits
	 * @param capacity how many batches may wait
	 * @param id the position's entry id (nothing delivered yet)
	 * @param revision the position's revision
	 */
	FeedDelivery(String namespace, BackendListener listener, int capacity, String id, long revision) {
		this.namespace = namespace;
		this.listener = listener;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.deliveredId = id;
		this.deliveredRevision = revision;
		// nothing delivered yet: the lag counts from the feed's creation, not from 1970
		this.lastEntryMillis = System.currentTimeMillis();
	}

	void setListener(BackendListener listener) {
		this.listener = listener;
	}

	/** The id of the last entry delivered (or passed over as this backend's own). */
	String deliveredId() {
		return this.deliveredId;
	}

	long deliveredRevision() {
		return this.deliveredRevision;
	}

	/** The commit time of the last entry delivered, server epoch milliseconds (the creation time before any). */
	long lastEntryMillis() {
		return this.lastEntryMillis;
	}

	/** Whether nothing is queued or being delivered. */
	boolean isIdle() {
		return !this.busy && this.queue.isEmpty();
	}

	boolean isRunning() {
		Thread current = this.thread;
		return this.running && current != null && current.isAlive();
	}

	boolean isDeliveringThread() {
		return Thread.currentThread() == this.thread;
	}

	/** Starts a delivering thread with an empty queue; the previous one must have ended. */
	void start() {
		this.queue.clear();
		// what a stop left queued is dropped (the feed reads it again): nobody waits for it
		this.delivered = this.queued;
		this.busy = false;
		this.running = true;
		Thread started = new Thread(this::run, "statetree-feed-" + this.namespace);
		started.setDaemon(true);
		this.thread = started;
		started.start();
	}

	/**
	 * Waits for the thread of a previous run to end.
	 * @param timeout how long to wait
	 * @return whether no thread of a previous run is alive
	 */
	boolean awaitEnd(Duration timeout) {
		Thread previous = this.thread;
		if (previous == null || !previous.isAlive()) {
			return true;
		}
		join(previous, timeout);
		return !previous.isAlive();
	}

	/**
	 * Stops the thread: what is queued is dropped (the feed reads it again on its next start).
	 * Called on the delivering thread itself, it only asks the thread to end.
	 * @param timeout how long to wait
	 * @return whether the thread ended in time
	 */
	boolean stop(Duration timeout) {
		this.running = false;
		Thread current = this.thread;
		if (current == null) {
			return true;
		}
		if (Thread.currentThread() == current) {
			return false;
		}
		current.interrupt();
		join(current, timeout);
		return !current.isAlive();
	}

	/**
	 * Queues what one read found; waits while the queue is full. A read that found only this
	 * backend's own entries queues just the new position.
	 * @param reads the entries to deliver, in stream order
	 * @param endId the id of the last entry read
	 * @param endRevision its revision
	 * @param resync whether the listener hears a resync after the entries
	 * @throws InterruptedException if the reading thread is interrupted while waiting
	 */
	void put(List<Read> reads, String endId, long endRevision, boolean resync) throws InterruptedException {
		if (reads.isEmpty() && !resync && endId.equals(this.deliveredId)) {
			return;
		}
		offer(new Batch(List.copyOf(reads), endId, endRevision, resync, false, this.queued + 1));
	}

	/**
	 * Queues, after what was queued, the news that the namespace's revision moved backwards (the
	 * server lost commits): the listener hears {@link BackendListener#onRevisionMovedBack}.
	 * @param endId the stream's current end
	 * @param endRevision the namespace's revision now
	 * @throws InterruptedException if the reading thread is interrupted while waiting
	 */
	void putMovedBack(String endId, long endRevision) throws InterruptedException {
		offer(new Batch(List.of(), endId, endRevision, true, true, this.queued + 1));
	}

	/** The number of the last batch queued, for {@link #awaitDelivered}. */
	long lastQueued() {
		return this.queued;
	}

	/**
	 * Waits until a batch and those before it were delivered, the thread stopped, or the deadline
	 * passed.
	 * @param number a batch's number ({@link #lastQueued()})
	 * @param deadline by {@link System#nanoTime()}
	 * @return whether it was delivered
	 */
	boolean awaitDelivered(long number, long deadline) {
		synchronized (this.progress) {
			while (this.delivered < number) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || !isRunning()) {
					return false;
				}
				try {
					this.progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return true;
		}
	}

	private void offer(Batch batch) throws InterruptedException {
		while (this.running) {
			if (this.queue.offer(batch, OFFER_MILLIS, TimeUnit.MILLISECONDS)) {
				this.queued = batch.number();
				return;
			}
		}
	}

	private void run() {
		try {
			while (this.running) {
				Batch batch = this.queue.take();
				this.busy = true;
				try {
					for (Read read : batch.reads()) {
						if (!this.running) {
							return;
						}
						deliver(read.entry());
						this.deliveredId = read.id();
						this.deliveredRevision = read.entry().revision();
						this.lastEntryMillis = read.entry().millis();
					}
					if (!this.running) {
						return;
					}
					if (batch.movedBack()) {
						movedBack(batch.endRevision());
					}
					else if (batch.resync()) {
						resync();
					}
					this.deliveredId = batch.endId();
					this.deliveredRevision = batch.endRevision();
					this.delivered = batch.number();
				}
				finally {
					this.busy = false;
					synchronized (this.progress) {
						this.progress.notifyAll();
					}
				}
			}
		}
		catch (InterruptedException ex) {
			// stopped
		}
	}

	private void deliver(StreamEntry entry) {
		long revision = entry.revision();
		RemoteCommit commit;
		try {
			commit = new RemoteCommit(revision, entry.origin(), entry.changes(), entry.actor(), entry.causedBy(),
					entry.expiry(), entry.depth());
		}
		catch (RuntimeException ex) {
			logger.error("StateTree change feed for namespace '{}' cannot decode the entry of revision {}; "
					+ "resynchronising", this.namespace, revision, ex);
			resync();
			return;
		}
		try {
			this.listener.onRemoteCommit(commit);
		}
		catch (RuntimeException ex) {
			logger.error("StateTree backend listener failed on revision {} from instance {} in namespace '{}'",
					revision, commit.origin(), this.namespace, ex);
		}
	}

	private void resync() {
		try {
			this.listener.onResync();
		}
		catch (RuntimeException ex) {
			logger.error("StateTree backend listener failed on resync for namespace '{}'", this.namespace, ex);
		}
	}

	private void movedBack(long revision) {
		try {
			this.listener.onRevisionMovedBack(revision);
		}
		catch (RuntimeException ex) {
			logger.error("StateTree backend listener failed on resync for namespace '{}'", this.namespace, ex);
		}
	}

	private static void join(Thread thread, Duration timeout) {
		try {
			thread.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
