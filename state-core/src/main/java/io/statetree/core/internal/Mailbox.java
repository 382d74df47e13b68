package io.statetree.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One listener's ordered queue of items. The queue itself is guarded by this object's monitor
 * (short critical sections only); {@link #delivery} is held while an item runs, so one listener
 * runs one item at a time, in queue order. Thread-safe.
 */
final class Mailbox {

	/** The listener's id, for logs and counters. */
	final String id;

	/** Rate-limits the log lines of this listener's overflows (one full line, then summaries). */
	final FailureLog overflowLog = new FailureLog();

	/** Held while delivering, so a listener never runs two items at once. */
	final ReentrantLock delivery = new ReentrantLock();

	/** Whether an asynchronous task is scheduled for this mailbox. */
	final AtomicBoolean scheduled = new AtomicBoolean();

	/**
	 * What {@link #pollReady()} returns when the head must wait for deeper listeners of its
	 * bubbling walk (never queued, never run).
	 */
	static final DeliveryItem WAITING = new DeliveryItem(new Mailbox("statetree-waiting", (record) -> {
		throw new IllegalStateException("no resync for the waiting marker");
	}), new CommitRecord(0, "", List.of(), CommitRecord.Kind.RESYNC, 0, null), (item) -> null, null, 0,
			null);

	private final ArrayDeque<DeliveryItem> queue = new ArrayDeque<>();

	/** How many writers wait in {@link #awaitSize} (guarded by this object's monitor). */
	private int waiters;

	/** Makes the item that replaces an overflowed backlog, from a resync commit record. */
	private final Function<CommitRecord, DeliveryItem> resync;

	/**
	 * Creates a mailbox.
	 * @param id the listener's id
	 * @param resync makes the resync item for this listener
	 */
	Mailbox(String id, Function<CommitRecord, DeliveryItem> resync) {
		this.id = id;
		this.resync = resync;
	}

	/**
	 * Synchronous delivery without revision order, on a writer outside any listener, under the
	 * commit lock: takes this mailbox's {@link #delivery} lock if nobody holds it and the queue is
	 * empty, so the caller may deliver its one item without queueing it. On {@code true} the
	 * caller holds the lock and must deliver the item, then release it. One compare-and-set.
	 * <p>
	 * The queue is read without this object's monitor, which is exact here: in that mode items are
	 * added, and an overflowed backlog replaced, only under the commit lock (held by the caller),
	 * and items are taken only under the delivery lock (now held by the caller), so every change of
	 * the queue happened before this read.
	 * @return whether the caller now holds the delivery lock of an empty mailbox
	 */
	boolean reserve() {
		ReentrantLock lock = this.delivery;
		if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
			return false;
		}
		if (this.queue.isEmpty()) {
			return true;
		}
		lock.unlock();
		return false;
	}

	synchronized void add(DeliveryItem item) {
		this.queue.add(item);
	}

	synchronized int size() {
		return this.queue.size();
	}

	synchronized @Nullable DeliveryItem peek() {
		return this.queue.peek();
	}

	/**
	 * Takes the head if it may run now, in one look at the queue (synchronous delivery).
	 * @return the head, taken; {@link #WAITING} when it must wait for deeper listeners of its
	 * bubbling walk (left in place); {@code null} when the queue is empty
	 */
	synchronized @Nullable DeliveryItem pollReady() {
		DeliveryItem head = this.queue.peek();
		if (head == null) {
			return null;
		}
		if (head.walk != null && !head.walk.isTurn(head.level)) {
			return WAITING;
		}
		this.queue.poll();
		wakeWaiters();
		return head;
	}

	/** Wakes writers waiting for room; a monitor nobody waits on is not notified. */
	private void wakeWaiters() {
		if (this.waiters > 0) {
			notifyAll();
		}
	}

	/**
	 * Takes the head if it may run now; else returns null, having registered {@code wake} to be
	 * run when its walk moves on.
	 */
	synchronized @Nullable DeliveryItem poll(Runnable wake) {
		DeliveryItem head = this.queue.peek();
		if (head == null || head.walk != null && !head.walk.isTurnOrWake(head.level, wake)) {
			return null;
		}
		this.queue.poll();
		wakeWaiters();
		return head;
	}

	/** Tells whether the head may run now; if it must wait for its walk, registers {@code wake}. */
	synchronized boolean readyOrWake(Runnable wake) {
		DeliveryItem head = this.queue.peek();
		return head != null && (head.walk == null || head.walk.isTurnOrWake(head.level, wake));
	}

	/**
	 * Waits until at most {@code capacity} items are queued.
	 * @return whether room came within the timeout
	 */
	synchronized boolean awaitSize(int capacity, long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		boolean interrupted = false;
		this.waiters++;
		try {
			while (this.queue.size() > capacity) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || interrupted) {
					return false;
				}
				try {
					wait(Math.max(1, left / 1_000_000), 0);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			return true;
		}
		finally {
			this.waiters--;
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Replaces the queued items by one resync item, if more than {@code capacity} are queued.
	 * @return the dropped items and the resync item, or null if there was room after all
	 */
	@Nullable Overflow replaceBacklog(int capacity) {
		synchronized (this) {
			if (this.queue.size() <= capacity) {
				return null;
			}
			List<DeliveryItem> dropped = new ArrayList<>(this.queue);
			this.queue.clear();
			CommitRecord last = dropped.get(dropped.size() - 1).record;
			DeliveryItem resyncItem = this.resync.apply(new CommitRecord(last.revision(), last.origin(), List.of(),
					CommitRecord.Kind.RESYNC, 0, Thread.currentThread()));
			this.queue.add(resyncItem);
			notifyAll();
			return new Overflow(dropped, resyncItem);
		}
	}

	@Override
	public String toString() {
		return "Mailbox[" + this.id + "]";
	}

	/**
	 * What an overflow dropped, and the item that stands for it.
	 */
	record Overflow(List<DeliveryItem> dropped, DeliveryItem resync) {
	}

}
