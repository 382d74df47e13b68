package io.statetree.core.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.statetree.core.StateController.Dispatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers commits to listeners through one bounded, ordered {@link Mailbox} per listener, so a
 * slow listener delays only itself (DESIGN §5, "Dispatch"). Its parts: {@link DeliveryItem} (one
 * thing to deliver), {@link BubblingWalk} (the order of one bubbling walk's levels) and, for shared
 * backends, {@link RevisionOrder} (local and remote commits released in revision order) with
 * {@link HeldCommits} (each thread's commits waiting for their turn, and adoption of left ones). The
 * overflow policy ({@code awaitRoom}, {@code overflow}) stays here: it works on this class's
 * per-thread delivery state.
 * <p>
 * {@link #submit} runs under the controller's commit lock: it routes the commit into
 * {@link DeliveryItem}s (one per listener event, computed by the controller) and appends each to
 * its listener's mailbox, so every mailbox holds its items in revision order. {@link #drain} runs
 * after the commit lock is released:
 * <ul>
 * <li>Synchronous mode: the writing thread delivers the items of its own commit, in routing
 * order; for each it takes that listener's mailbox and delivers it up to that item (earlier
 * items of other writers included, since a listener hears commits in revision order). A writer
 * never waits for a listener its commit does not reach. Items of a commit made by a listener are
 * delivered by the same loop after the current ones (never recursively). A commit of a writer
 * outside any listener that one listener hears, when that listener's mailbox is empty and idle,
 * skips the queue: the writer takes the mailbox's delivery lock under the commit lock
 * ({@link Mailbox#reserve}) and delivers the item first thing in {@link #drain}.</li>
 * <li>Asynchronous mode: each mailbox with work has one task on the executor; the writer only
 * waits when a mailbox it filled is over capacity.</li>
 * </ul>
 * A mailbox over capacity makes the writer wait up to the offer timeout; then its backlog is
 * replaced by one resync item and the overflow is reported. Thread-safe.
 */
final class Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	/** The listener rounds a cascade of listener writes may run before it is stopped. */
	static final int MAX_CASCADE_DEPTH = 1_000;

	/** How many items an asynchronous mailbox task delivers before it yields its thread. */
	private static final int ASYNC_TURN = 256;

	/**
	 * Per thread: what this thread delivers and has submitted ({@link DeliveryThreadState}). One thread-local
	 * lookup serves a whole write; kept for the thread's life (one small object) rather than
	 * removed after each item, which is costly.
	 */
	private final ThreadLocal<DeliveryThreadState> local = ThreadLocal.withInitial(() -> new DeliveryThreadState(Thread.currentThread()));

	/**
	 * The per-thread state used last, so a thread that writes again finds its own without a
	 * thread-local lookup (two per write: {@link #submit} and {@link #drain}). Racy on purpose: a
	 * thread uses it only when it is its own ({@link DeliveryThreadState#owner} is final, so any thread
	 * reads it whole); another thread's goes to the thread-local. Keeps at most one finished
	 * thread's state reachable.
	 */
	private @Nullable DeliveryThreadState lastLocal;

	/** Items submitted and not yet finished (delivered, skipped or dropped). */
	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong overflows = new AtomicLong();

	private final Dispatch mode;

	private final @Nullable Executor executor;

	private final int capacity;

	private final long offerTimeoutNanos;

	private final Function<CommitRecord, List<DeliveryItem>> router;

	private final OverflowListener overflowListener;

	/** Keeps revision order across instances (shared backends), or null. */
	private final @Nullable HeldCommits order;

	/**
	 * Creates a dispatcher.
	 * @param mode the dispatch mode
	 * @param executor the executor (asynchronous mode)
	 * @param capacity the most items a mailbox holds before writers wait
	 * @param offerTimeout how long a writer waits for room before the mailbox overflows
	 * @param router turns a commit into items, in delivery order
	 * @param overflowListener told of every overflow (after it happened)
	 */
	Dispatcher(Dispatch mode, @Nullable Executor executor, int capacity, Duration offerTimeout,
			Function<CommitRecord, List<DeliveryItem>> router, OverflowListener overflowListener) {
		this(mode, executor, capacity, offerTimeout, router, overflowListener, -1, null, false);
	}

	/**
	 * Creates a dispatcher.
	 * @param mode the dispatch mode
	 * @param executor the executor (asynchronous mode)
	 * @param capacity the most items a mailbox holds before writers wait
	 * @param offerTimeout how long a writer waits for room before the mailbox overflows
	 * @param router turns a commit into items, in delivery order
	 * @param overflowListener told of every overflow (after it happened)
	 * @param startRevision for a shared backend, the revision everything up to which is known:
	 * then a commit is delivered only after every earlier revision (local or remote), see
	 * {@link RevisionOrder#await}; -1 for a local backend
	 * @param catchUp asks the shared backend to catch its change feed up to a revision
	 * ({@link io.statetree.core.backend.StateBackend#catchUpFeed}); needed with a start revision
	 * @param oneRevisionSpace whether the shared backend counts local and remote revisions in one
	 * space ({@link io.statetree.core.backend.StateBackend#hasOneRevisionSpace}): then a commit made
	 * on the thread that hears the feed is left held until its gap fills, never given up
	 */
	Dispatcher(Dispatch mode, @Nullable Executor executor, int capacity, Duration offerTimeout,
			Function<CommitRecord, List<DeliveryItem>> router, OverflowListener overflowListener, long startRevision,
			RevisionOrder.@Nullable CatchUp catchUp, boolean oneRevisionSpace) {
		if (capacity < 1) {
			throw new IllegalArgumentException("The listener queue capacity must be at least 1, got " + capacity);
		}
		if (offerTimeout.isNegative()) {
			throw new IllegalArgumentException("The listener offer timeout must not be negative, got " + offerTimeout);
		}
		this.mode = mode;
		this.executor = executor;
		this.capacity = capacity;
		this.offerTimeoutNanos = offerTimeout.toNanos();
		this.router = router;
		this.overflowListener = overflowListener;
		this.order = (startRevision >= 0)
				? new HeldCommits(new RevisionOrder(startRevision, this, java.util.Objects.requireNonNull(catchUp, "catchUp"),
						oneRevisionSpace))
				: null;
	}

	/** This thread's delivery state. */
	private DeliveryThreadState here() {
		DeliveryThreadState last = this.lastLocal;
		if (last != null && last.owner == Thread.currentThread()) {
			return last;
		}
		last = this.local.get();
		this.lastLocal = last;
		return last;
	}

	/**
	 * Returns the cascade depth of the listener running on this thread, or -1 outside listeners.
	 */
	int currentDepth() {
		return here().depth;
	}

	/**
	 * Returns the revision of the commit whose item (a listener's event, or the effects of a
	 * commit) this thread is delivering, so a write it makes can name its cause
	 * ({@code StateEvent.causedBy}); 0 outside any delivery.
	 */
	long causingRevision() {
		DeliveryItem item = here().running;
		return (item != null) ? item.record.revision() : 0;
	}

	/** Test seam: with a shared backend, how long a writer waits for the feed before it leaves its commit. */
	void leaveHeldCommitsAfter(Duration wait) {
		if (this.order != null) {
			this.order.leaveAfter(wait.toNanos());
		}
	}

	/**
	 * Returns how many times a mailbox overflowed.
	 */
	long overflows() {
		return this.overflows.get();
	}

	/**
	 * Routes a commit and queues its items. Called under the commit lock, so items enter every
	 * mailbox in revision order. Never blocks for long.
	 */
	void submit(CommitRecord record) {
		DeliveryThreadState here = here();
		List<DeliveryItem> mine = here.submitted;
		List<DeliveryItem> items;
		if (this.order != null) {
			items = this.order.submit(here, record);
		}
		else {
			items = this.router.apply(record);
			int n = items.size();
			if (n == 0) {
				return;
			}
			if (n == 1 && this.mode == Dispatch.SYNC && here.depth < 0 && here.direct == null && mine.isEmpty()) {
				DeliveryItem only = items.get(0);
				if (only.walk == null && only.mailbox.reserve()) {
					// the mailbox is empty and idle, and this thread now holds its delivery lock: the
					// item skips the queue and is delivered by this thread's drain, which is certain
					// to come next (the commit lock is held, so any later item of this listener
					// queues behind this one, and its writer waits for the lock)
					this.pending.incrementAndGet();
					here.direct = only;
					mine.add(only);
					return;
				}
			}
			put(items);
			for (int i = 0; i < n; i++) {
				mine.add(items.get(i));
			}
		}
		if (items.isEmpty()) {
			return;
		}
		if (this.mode == Dispatch.SYNC && here.depth >= 0) {
			for (int i = 0, n = items.size(); i < n; i++) {
				DeliveryItem item = items.get(i);
				if (item.mailbox.size() > this.capacity) {
					// the items wait for this thread's own dispatch loop: waiting for room would wait for itself
					overflow(item.mailbox, mine);
				}
			}
		}
	}

	/**
	 * Tells a dispatcher that keeps revision order across instances that a revision was used by
	 * a commit that has nothing to deliver (so later revisions need not wait for it); {@code remote}
	 * when the change feed reported it.
	 */
	void skip(long revision, boolean remote) {
		if (this.order != null) {
			this.order.skip(here(), revision, remote);
		}
	}

	/**
	 * Whether this thread submitted an item past its mailbox's queue and has not delivered it yet
	 * (it holds that mailbox's delivery lock): then it must {@link #drain}, even when its commit
	 * reports nothing queued.
	 */
	boolean holdsDirect() {
		return here().direct != null;
	}

	/**
	 * Marks the calling thread as one that cannot wait for the shared backend's feed: the thread
	 * hearing that feed, for the duration of one thing heard ({@code RemoteFeedIntake}), or a
	 * thread that delivers while it still holds the commit lock (which the feed's thread needs).
	 * A commit of this thread that waits for an earlier revision is then left held, and delivered
	 * by whoever releases it. Calls nest.
	 * @param cannotWait {@code true} on entry, {@code false} on exit
	 */
	void cannotWait(boolean cannotWait) {
		if (this.order != null) {
			this.order.cannotWait(here(), cannotWait);
		}
	}

	/**
	 * Whether this thread has items or records it has not drained yet: it took over the items of a
	 * left record ({@link RevisionOrder#collectReleased}) in a commit that queued nothing of its own.
	 */
	boolean hasUndrained() {
		return this.order != null && this.order.hasUndrained(here());
	}

	/** Routes a record and puts its items in their mailboxes (also called by the {@link RevisionOrder}). */
	List<DeliveryItem> enqueue(CommitRecord record) {
		List<DeliveryItem> items = this.router.apply(record);
		if (!items.isEmpty()) {
			put(items);
		}
		return items;
	}

	/** Puts routed items in their mailboxes (and schedules them, asynchronous mode). */
	private void put(List<DeliveryItem> items) {
		int n = items.size();
		this.pending.addAndGet(n);
		for (int i = 0; i < n; i++) {
			DeliveryItem item = items.get(i);
			item.mailbox.add(item);
			if (this.mode == Dispatch.ASYNC) {
				schedule(item.mailbox);
			}
		}
	}

	/**
	 * Delivers (synchronous mode) or waits for room for (asynchronous mode) what this thread
	 * submitted. In synchronous mode, returns the first listener failure among the items this
	 * thread waited for (for {@code on-error=rethrow}); a call from inside a listener returns at
	 * once, and the outer loop delivers the items after the current ones.
	 */
	@Nullable Throwable drain() {
		DeliveryThreadState here = here();
		List<DeliveryItem> mine = here.submitted;
		boolean inside = here.depth >= 0;
		if (this.order != null && this.mode == Dispatch.ASYNC) {
			this.order.collectHeld(here);
		}
		if (mine.isEmpty() && (this.order == null || inside || !this.order.anyHeld(here))) {
			return null;
		}
		if (this.mode == Dispatch.ASYNC) {
			try {
				Set<Mailbox> seen = Collections.newSetFromMap(new IdentityHashMap<>());
				for (int i = 0; i < mine.size(); i++) {
					Mailbox mailbox = mine.get(i).mailbox;
					if (seen.add(mailbox)) {
						awaitRoom(mailbox, mine);
					}
				}
			}
			finally {
				mine.clear();
			}
			return null;
		}
		if (inside) {
			return null;
		}
		Throwable first = null;
		try {
			int i = 0;
			DeliveryItem direct = here.direct;
			if (direct != null) {
				// submitted past the queue: this thread holds its mailbox's delivery lock, and it is first
				here.direct = null;
				try {
					run(direct, here);
				}
				finally {
					direct.mailbox.delivery.unlock();
				}
				first = direct.failure;
				i = 1;
			}
			while (true) {
				for (; i < mine.size(); i++) {
					DeliveryItem item = mine.get(i);
					deliverThrough(item, here);
					if (first == null) {
						first = item.failure;
					}
				}
				if (this.order == null || !this.order.anyHeld(here)) {
					break;
				}
				// this thread's commits on a shared backend (listener writes too), one at a time: its
				// earlier ones are delivered before it waits for a later one's turn, since the feed's
				// thread may need them delivered (a bubbling walk) before it brings the revision waited for
				this.order.collectNextHeld(here);
			}
		}
		finally {
			mine.clear();
			DeliveryItem direct = here.direct;
			if (direct != null) {
				// only when the loop threw before the direct item (a VM error): never keep the lock
				here.direct = null;
				direct.mailbox.delivery.unlock();
			}
		}
		return first;
	}

	/**
	 * Synchronous mode: delivers the item's mailbox up to and including the item. A head that
	 * must wait for deeper listeners of its bubbling walk is waited for without holding the
	 * mailbox, so the thread that delivers those deeper listeners (possibly through this very
	 * mailbox) is never blocked by this one.
	 */
	private void deliverThrough(DeliveryItem target, DeliveryThreadState here) {
		Mailbox mailbox = target.mailbox;
		while (!target.done) {
			DeliveryItem blocked = null;
			mailbox.delivery.lock();
			try {
				while (!target.done) {
					// one look at the queue takes the head if it may run (no second lock for a peek)
					DeliveryItem head = mailbox.pollReady();
					if (head == null) {
						// the target was dropped by an overflow, which finishes it
						break;
					}
					if (head == Mailbox.WAITING) {
						blocked = mailbox.peek();
						if (blocked == null) {
							break;
						}
						if (blocked.walk == null || blocked.walk.isTurn(blocked.level)) {
							continue; // its turn came meanwhile
						}
						break;
					}
					run(head, here);
				}
			}
			finally {
				mailbox.delivery.unlock();
			}
			if (blocked == null) {
				return;
			}
			blocked.walk.awaitTurn(blocked.level);
		}
	}

	private void schedule(Mailbox mailbox) {
		if (!mailbox.scheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.executor.execute(() -> runMailbox(mailbox));
		}
		catch (RuntimeException ex) {
			mailbox.scheduled.set(false);
			logger.error("StateTree could not schedule delivery to listener '{}'; {} events wait", mailbox.id,
					mailbox.size(), ex);
		}
	}

	/** Asynchronous mode: one turn of a mailbox's task. */
	private void runMailbox(Mailbox mailbox) {
		Runnable wake = () -> schedule(mailbox);
		mailbox.delivery.lock();
		try {
			for (int i = 0; i < ASYNC_TURN; i++) {
				DeliveryItem next = mailbox.poll(wake);
				if (next == null) {
					break;
				}
				run(next, here());
			}
		}
		catch (RuntimeException | Error ex) {
			logger.error("StateTree delivery to listener '{}' failed", mailbox.id, ex);
		}
		finally {
			mailbox.delivery.unlock();
			mailbox.scheduled.set(false);
		}
		if (mailbox.readyOrWake(wake)) {
			schedule(mailbox);
		}
	}

	private void run(DeliveryItem item, DeliveryThreadState here) {
		int saved = here.depth;
		here.depth = item.record.depth();
		DeliveryItem savedItem = here.running;
		here.running = item;
		try {
			if (item.walk == null || !item.walk.stoppedAbove(item.level)) {
				Throwable failure = item.task.run(item);
				if (failure != null) {
					item.failure = failure; // no store (and no fence) for the common success
				}
			}
		}
		finally {
			here.depth = saved;
			here.running = savedItem;
			item.finish();
			this.pending.decrementAndGet();
		}
	}

	/** Waits up to the offer timeout for room in a mailbox; overflows it if none came. */
	private void awaitRoom(Mailbox mailbox, List<DeliveryItem> mine) {
		if (mailbox.size() <= this.capacity) {
			return;
		}
		if (here().running != null || mailbox.delivery.isHeldByCurrentThread()
				|| headWaitsForThisListener(mailbox)) {
			// a listener writing to a full queue never waits for room: the queue may be its own,
			// its head may wait for this listener's walk level, or for a listener that in turn
			// waits for room behind this one (a chain of listener writes); any wait could end only
			// by the timeout, so the queue overflows at once
			overflow(mailbox, mine);
			return;
		}
		if (!mailbox.awaitSize(this.capacity, this.offerTimeoutNanos)) {
			overflow(mailbox, mine);
		}
	}

	/**
	 * Whether the mailbox's head belongs to the bubbling walk of the item this thread delivers and
	 * waits for its turn, which comes only after this listener returns.
	 */
	private boolean headWaitsForThisListener(Mailbox mailbox) {
		if (currentDepth() < 0) {
			return false;
		}
		DeliveryItem current = here().running;
		if (current == null || current.walk == null) {
			return false;
		}
		DeliveryItem head = mailbox.peek();
		return head != null && head.walk == current.walk && !head.walk.isTurn(head.level);
	}

	private void overflow(Mailbox mailbox, List<DeliveryItem> mine) {
		Mailbox.Overflow overflow = mailbox.replaceBacklog(this.capacity);
		if (overflow == null) {
			return;
		}
		for (DeliveryItem dropped : overflow.dropped()) {
			dropped.finish();
			this.pending.decrementAndGet();
		}
		this.pending.incrementAndGet();
		this.overflows.incrementAndGet();
		if (this.mode == Dispatch.ASYNC) {
			schedule(mailbox);
		}
		else {
			mine.add(overflow.resync());
		}
		try {
			this.overflowListener.onOverflow(mailbox.id, overflow.dropped().size(), this.capacity,
					mailbox.overflowLog.record());
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree overflow listener failed", ex);
		}
	}

	/**
	 * Waits until everything submitted so far has been delivered, for tests and orderly shutdown.
	 * In synchronous mode this returns at once unless other threads are still delivering; called
	 * from inside a listener it returns at once.
	 */
	void awaitIdle(long timeoutMillis) {
		if (currentDepth() >= 0) {
			// called by a listener (close() or awaitDispatch inside onChange): its own delivery
			// is pending until it returns, so waiting would only wait out the timeout
			return;
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (this.pending.get() > 0 && System.nanoTime() - deadline < 0) {
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
