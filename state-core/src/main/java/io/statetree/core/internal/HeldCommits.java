package io.statetree.core.internal;

import java.util.List;

/**
 * The {@link Dispatcher}'s side of the revision-order hold on a shared backend ({@link RevisionOrder}):
 * per thread, the commits it submitted that wait for an earlier revision, whether the thread may
 * wait for the backend's feed at all ({@link #cannotWait}), and the adoption of records that were
 * left held by a thread that could not wait and released since (their items go to the thread that
 * takes them over, {@link RevisionOrder#collectReleased}).
 * <p>
 * Works on the calling thread's {@link DeliveryThreadState} only, which that thread alone touches;
 * the shared state is the {@link RevisionOrder}'s, guarded by its monitor. Thread-safe.
 */
final class HeldCommits {

	private final RevisionOrder order;

	HeldCommits(RevisionOrder order) {
		this.order = order;
	}

	/**
	 * Submits a commit to the revision order under the commit lock and remembers it as this
	 * thread's; also takes over the items of left records released meanwhile, in release order
	 * with the commit's own ({@link RevisionOrder#collectReleased}).
	 * @return the commit's items when it was released at once (already added to the thread's
	 * submitted items: for the caller to look at, not to add again), otherwise none yet
	 */
	List<DeliveryItem> submit(DeliveryThreadState here, CommitRecord record) {
		RevisionOrder.Held held = this.order.submit(record);
		here.held.add(held);
		List<DeliveryItem> items = held.released ? held.items : List.of();
		collect(here);
		return items;
	}

	/** Records a revision with nothing to deliver ({@link Dispatcher#skip}). */
	void skip(DeliveryThreadState here, long revision, boolean remote) {
		this.order.skip(revision, remote);
		collect(here);
	}

	/** Enters ({@code true}) or leaves a reason not to wait for the feed ({@link Dispatcher#cannotWait}). */
	void cannotWait(DeliveryThreadState here, boolean cannotWait) {
		here.cannotWait += cannotWait ? 1 : -1;
	}

	/** Whether this thread has items or records it has not drained yet ({@link Dispatcher#hasUndrained}). */
	boolean hasUndrained(DeliveryThreadState here) {
		return !here.submitted.isEmpty() || !here.held.isEmpty();
	}

	/** Test seam: how long a thread waits for the feed before it leaves its record ({@link RevisionOrder#leaveAfter}). */
	void leaveAfter(long nanos) {
		this.order.leaveAfter(nanos);
	}

	/** Whether this thread still has records waiting for their turn. */
	boolean anyHeld(DeliveryThreadState here) {
		return !here.held.isEmpty();
	}

	/**
	 * Synchronous mode: waits until this thread's first held record is released (or leaves it),
	 * and adds to the thread's submitted items, in release order, what was released meanwhile.
	 */
	void collectNextHeld(DeliveryThreadState here) {
		RevisionOrder.Held first = here.held.get(0);
		this.order.await(first, here.cannotWait > 0);
		collect(here);
		if (!here.held.isEmpty() && here.held.get(0) == first) {
			// the wait ends released or left; should it not, the record is left rather than lost
			this.order.leave(first);
			collect(here);
		}
	}

	/**
	 * Waits until each of this thread's held records is released or left, and adds to its
	 * submitted items, in release order, its released records and the left records of any thread
	 * released meanwhile.
	 */
	void collectHeld(DeliveryThreadState here) {
		while (!here.held.isEmpty()) {
			collectNextHeld(here);
		}
	}

	/**
	 * Takes, for this thread to deliver, its records released so far and the items of left records
	 * released meanwhile, in release order.
	 */
	private void collect(DeliveryThreadState here) {
		this.order.collectReleased(here.held, here.submitted);
	}

}
