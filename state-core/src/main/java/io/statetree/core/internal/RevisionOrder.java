package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision-order hold for shared backends (DESIGN §5, "On Redis, revision order covers local
 * and remote commits together"): releases records to the {@link Dispatcher}'s mailboxes in
 * revision order, whichever instance made them. A local commit waits for the remote commits of
 * earlier revisions, which arrive through the change feed, in order. When they have not come
 * after {@link #CATCH_UP_AFTER_NANOS}, the waiting thread asks the backend to catch its feed up
 * ({@link io.statetree.core.backend.StateBackend#catchUpFeed}): the feed reads what it has not
 * read yet directly from storage and delivers it, in order, or one resync when it is gone. A gap
 * left after a catch-up the backend reports settled holds no other instance's commit (a revision
 * of this instance's own, possibly counted differently by a wrapping backend) and is given up at
 * once. With a backend that cannot catch up (the SPI's default) the gap is given up after
 * {@link #GAP_TIMEOUT_NANOS}, logged at DEBUG (for example a revision made before the feed
 * started). A remote commit never waits: it first releases every local one of an earlier
 * revision. Pings keep their place after the records submitted before them.
 * <p>
 * A commit made on the thread that hears the feed (a synchronous listener that writes on hearing
 * a remote commit or an expiry, the derivations an expiry re-runs) cannot wait for that feed: the
 * revisions it waits for come through the very thread that would wait; nor can a thread that
 * still holds the commit lock, which the feed's thread takes to hear anything. With one revision space
 * (a Redis backend, directly or cached) every revision below a local commit that this instance
 * has not released is another instance's commit or an expiry commit, and it comes through the
 * feed (or a resync replaces it). Such a record is therefore <em>left</em> held, never given up:
 * the thread goes on hearing the feed, and once the record is released (by the feed's thread, on
 * the commit that fills the gap, or by another writer) the first thread to collect what was released
 * takes its items over ({@link #collectReleased}) and delivers them. With several revision spaces (a hybrid with a shared
 * mount) a gap may never fill, and such a record's gap is given up as before.
 * <p>
 * Any other thread, with one revision space, waits without giving the order up: a catch-up that
 * does not settle in time (the feed's delivering thread is busy, for example with a slow
 * synchronous listener, or the backend cannot be read) is asked again, and a gap is given up only
 * when a catch-up settled (everything the feed can bring below the record was delivered). Should
 * that take longer than {@link #LEAVE_AFTER_NANOS} (an outage, or a listener that blocks the
 * feed's thread), the thread leaves its record as above, logged at WARN: its call returns and the
 * record's items are delivered, still in revision order, by whichever thread releases it. A
 * catch-up runs on a thread of its own while the writer waits for its record, never on the
 * writer's thread ({@link #catchUpOffThread} tells why).
 * <p>
 * Guarded by its own monitor; called under the controller's commit lock, except {@link #await},
 * which asks the backend outside every lock.
 */
final class RevisionOrder {

	private static final Logger logger = LoggerFactory.getLogger(RevisionOrder.class);

	/**
	 * Runs catch-ups for waiting threads ({@link #catchUpOffThread}): daemon threads made as
	 * needed, ended after a minute idle. Catch-ups are the slow path (a commit waited 20 ms).
	 */
	private static final Executor CATCH_UPS = catchUpExecutor();

	/** How long a record waits for a missing earlier revision when the backend cannot catch up. */
	static final long GAP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** How long a record waits for the feed before the backend is asked to catch it up. */
	static final long CATCH_UP_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/**
	 * With one revision space: how long a thread waits for the feed to bring the revisions below
	 * its record before it leaves the record (see the class comment).
	 */
	static final long LEAVE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

	/**
	 * Asks the backend to deliver every commit of another instance up to a revision now; whether
	 * the gap is settled ({@link io.statetree.core.backend.StateBackend#catchUpFeed}).
	 */
	interface CatchUp {

		boolean catchUp(long revision);

		/**
		 * Whether the backend can catch up at all: {@code false} for one that keeps the SPI's
		 * default, which answers {@code false} at once and for good; such a gap is given up after
		 * {@link #GAP_TIMEOUT_NANOS} as before.
		 */
		boolean able();

		/**
		 * The catch-up of a backend ({@link io.statetree.core.backend.StateBackend#catchUpFeed}).
		 * @param backend the backend
		 * @return its catch-up; able when the backend's class overrides the SPI's default
		 */
		static CatchUp of(io.statetree.core.backend.StateBackend backend) {
			boolean able;
			try {
				able = backend.getClass().getMethod("catchUpFeed", long.class)
					.getDeclaringClass() != io.statetree.core.backend.StateBackend.class;
			}
			catch (NoSuchMethodException ex) {
				able = false;
			}
			boolean canCatchUp = able;
			return new CatchUp() {

				@Override
				public boolean catchUp(long revision) {
					return backend.catchUpFeed(revision);
				}

				@Override
				public boolean able() {
					return canCatchUp;
				}

			};
		}

	}

	/** Routes a released record into its mailboxes. */
	private final Dispatcher dispatcher;

	private final TreeMap<Long, List<Held>> waiting = new TreeMap<>();

	/** Asks the backend to catch its feed up. */
	private final CatchUp catchUp;

	/** Every revision up to this one has been released (or given up). */
	private long frontier;

	/**
	 * Whether every revision the feed brings and every local one are counted in one space, so
	 * that a gap below a local commit always fills (or is replaced by a resync).
	 */
	private final boolean oneSpace;

	/** How long a thread waits before it leaves its record ({@link #LEAVE_AFTER_NANOS}; tests shorten it). */
	private volatile long leaveAfterNanos = LEAVE_AFTER_NANOS;

	/** Left records released since they were last taken over, in release order; guarded by this monitor. */
	private List<Held> adopted = new ArrayList<>();

	/** How many records were released: the next one's {@link Held#sequence}; guarded by this monitor. */
	private long releases;

	/** Whether {@link #adopted} holds anything: read without the monitor on the hot path. */
	private volatile boolean anyAdopted;

	/**
	 * @param start the revision everything up to which is known
	 * @param dispatcher routes a released record into its mailboxes
	 * @param catchUp asks the backend to catch its feed up
	 * @param oneSpace whether local and remote revisions are counted in one space (see the class comment)
	 */
	RevisionOrder(long start, Dispatcher dispatcher, CatchUp catchUp, boolean oneSpace) {
		this.frontier = start;
		this.dispatcher = dispatcher;
		this.catchUp = catchUp;
		this.oneSpace = oneSpace;
	}

	/**
	 * Moves what a thread is to deliver now into its items, in release order: its own records
	 * released so far (taken out of its held records, with those it left) and the left records
	 * released since any thread took them over. One step under this monitor, so that nothing
	 * released before it can come after it in the thread's items: each thread's items stay in
	 * release order, which synchronous delivery relies on. A thread delivering an item may wait for
	 * an earlier item's bubbling walk (the head of that item's mailbox), and that walk's deeper
	 * levels must not sit later in the same thread's items: there they would never run (order28:
	 * the feed's thread took over left records released by a remote commit and delivered them
	 * before that remote commit's own deeper listeners, and waited for itself for good).
	 * @param own the thread's held records, in submission order; released and left ones are removed
	 * @param into the thread's items to deliver, appended to
	 */
	void collectReleased(List<Held> own, List<DeliveryItem> into) {
		if (!this.anyAdopted && !anyReleasedOrLeft(own)) {
			return; // nothing to take now; whatever is released later is taken by a later call
		}
		List<Held> ready;
		synchronized (this) {
			ready = new ArrayList<>(own.size() + this.adopted.size());
			for (Iterator<Held> it = own.iterator(); it.hasNext();) {
				Held held = it.next();
				if (held.left) {
					it.remove(); // its items come through the adopted records once it is released
				}
				else if (held.released) {
					it.remove();
					ready.add(held);
				}
			}
			if (this.anyAdopted) {
				ready.addAll(this.adopted);
				this.adopted = new ArrayList<>();
				this.anyAdopted = false;
			}
		}
		if (ready.size() > 1) {
			ready.sort(Comparator.comparingLong((held) -> held.sequence));
		}
		for (Held held : ready) {
			into.addAll(held.items);
		}
	}

	/** Whether a thread's held records hold one released or left (read without the monitor: a hint). */
	private static boolean anyReleasedOrLeft(List<Held> own) {
		for (int i = 0, n = own.size(); i < n; i++) {
			Held held = own.get(i);
			if (held.released || held.left) {
				return true;
			}
		}
		return false;
	}

	private static Executor catchUpExecutor() {
		AtomicLong threads = new AtomicLong();
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "statetree-catch-up-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	/**
	 * Test seam: sets how long a thread waits for the feed before it leaves its record.
	 * @param nanos the time, positive
	 */
	void leaveAfter(long nanos) {
		this.leaveAfterNanos = nanos;
	}

	synchronized Held submit(CommitRecord record) {
		CommitRecord.Kind kind = record.kind();
		if (kind == CommitRecord.Kind.RESYNC) {
			// the feed lost track: nothing earlier will come. The resync carries the backend's
			// revision now, which may lie below the frontier when the backend came back empty:
			// revisions are counted from there on
			long last = this.waiting.isEmpty() ? this.frontier : this.waiting.lastKey();
			this.frontier = Math.max(this.frontier, last);
			releaseWaiting(true);
			this.frontier = record.revision();
			return release(new Held(record, this.frontier));
		}
		if (kind == CommitRecord.Kind.PING) {
			// no revision of its own: after what was submitted before it
			if (this.waiting.isEmpty()) {
				return release(new Held(record, this.frontier));
			}
			return hold(new Held(record, this.waiting.lastKey()));
		}
		Held held = new Held(record, record.revision());
		if (kind == CommitRecord.Kind.REMOTE) {
			// the feed brings remote commits in order: whatever waits for an earlier revision
			// has all it can get; the remote commit itself never waits (a revision the feed
			// skips is this instance's own, possibly counted differently by a wrapping backend)
			releaseBelow(record.revision());
			this.frontier = Math.max(this.frontier, record.revision());
			release(held);
			releaseWaiting(false);
			return held;
		}
		if (record.revision() <= this.frontier + 1) {
			this.frontier = Math.max(this.frontier, record.revision());
			release(held);
			releaseWaiting(false);
			return held;
		}
		return hold(held);
	}

	synchronized void skip(long revision, boolean remote) {
		if (remote) {
			releaseBelow(revision);
			this.frontier = Math.max(this.frontier, revision);
			releaseWaiting(false);
			return;
		}
		if (revision <= this.frontier) {
			return;
		}
		if (revision == this.frontier + 1) {
			this.frontier = revision;
			releaseWaiting(false);
		}
		else {
			hold(new Held(null, revision));
		}
	}

	/** Releases, in order, the waiting records whose keys are below a revision. */
	private void releaseBelow(long revision) {
		while (!this.waiting.isEmpty() && this.waiting.firstKey() < revision) {
			Map.Entry<Long, List<Held>> first = this.waiting.pollFirstEntry();
			this.frontier = Math.max(this.frontier, first.getKey());
			for (Held held : first.getValue()) {
				release(held);
			}
		}
	}

	private Held hold(Held held) {
		this.waiting.computeIfAbsent(held.key, (k) -> new ArrayList<>(1)).add(held);
		return held;
	}

	/**
	 * Releases waiting records in order: those next to the frontier (moving it), or all of
	 * them when {@code all} is set.
	 */
	private void releaseWaiting(boolean all) {
		while (!this.waiting.isEmpty() && (all || this.waiting.firstKey() <= this.frontier + 1)) {
			Map.Entry<Long, List<Held>> first = this.waiting.pollFirstEntry();
			this.frontier = Math.max(this.frontier, first.getKey());
			for (Held held : first.getValue()) {
				release(held);
			}
		}
	}

	private Held release(Held held) {
		if (held.record != null) {
			held.items = this.dispatcher.enqueue(held.record);
			if (held.left && !held.items.isEmpty()) {
				this.adopted.add(held);
				this.anyAdopted = true;
			}
		}
		held.sequence = ++this.releases;
		held.released = true;
		notifyAll();
		return held;
	}

	/**
	 * Waits until a record is released. After {@link #CATCH_UP_AFTER_NANOS} asks the backend,
	 * outside this monitor, to catch its feed up; a gap still open after a settled catch-up is
	 * given up at once. Otherwise, with one revision space, the catch-up is asked again until the
	 * record is released or {@link #LEAVE_AFTER_NANOS} passed, then the record is left; with
	 * several, the gap is given up after {@link #GAP_TIMEOUT_NANOS}. On a thread that cannot wait
	 * for the feed, with one revision space, a record not released yet is left at once (see the
	 * class comment): this returns and the record's items go to whoever releases it.
	 * @param held the record
	 * @param cannotWait whether the calling thread cannot wait for the feed (it hears the feed, or
	 * holds the commit lock the feed's thread needs)
	 */
	void await(Held held, boolean cannotWait) {
		if (cannotWait && this.oneSpace) {
			leave(held);
			return;
		}
		long start = System.nanoTime();
		if (waitUntil(held, start + CATCH_UP_AFTER_NANOS, false)) {
			return;
		}
		if (!this.oneSpace || !this.catchUp.able()) {
			// several revision spaces (a hybrid with a shared mount): a gap may never fill; a
			// backend that cannot catch up cannot tell when it is settled
			if (Boolean.TRUE.equals(awaitRound(held, catchUpOffThread(held), start + this.leaveAfterNanos))) {
				synchronized (this) {
					giveUp(held);
				}
				return;
			}
			waitUntil(held, start + GAP_TIMEOUT_NANOS, true);
			return;
		}
		// one revision space: every revision below this record is delivered before it, so the wait
		// never gives the order up while the feed can still bring one; a catch-up that times out (the
		// feed's delivering thread is busy, Redis cannot be read) is asked again
		long leaveAfter = this.leaveAfterNanos;
		long leaveAt = start + leaveAfter;
		while (!held.released) {
			Boolean settled = awaitRound(held, catchUpOffThread(held), leaveAt);
			if (held.released) {
				return;
			}
			if (Boolean.TRUE.equals(settled)) {
				// everything the feed can deliver below the record was delivered: a revision still
				// missing is none the feed brings (this instance's own, passed over by its feed)
				synchronized (this) {
					giveUp(held);
				}
				return;
			}
			long now = System.nanoTime();
			if (now - leaveAt >= 0 || Thread.currentThread().isInterrupted()) {
				logger.warn("StateTree's change feed has not delivered the revisions before {} within {} s; the "
						+ "commit's events are delivered in revision order once it has", held.key,
						TimeUnit.NANOSECONDS.toMillis(leaveAfter) / 1000.0);
				leave(held);
				return;
			}
			if (waitUntil(held, Math.min(now + CATCH_UP_AFTER_NANOS, leaveAt), false)) {
				return;
			}
		}
	}

	/**
	 * Starts a catch-up of the feed up to the revision before a record on another thread. The
	 * waiting thread must not run it itself: a catch-up waits until the feed's delivering thread
	 * has delivered what it read, and that thread may need the waiting thread first. When the
	 * record is released while the feed delivers (its earlier revisions come early in what was
	 * read), the waiting thread must go on and deliver it (synchronous dispatch), since the
	 * delivery of a later remote commit may wait for the record's events (a bubbling walk through
	 * a listener both commits reach). Run on the waiting thread, that cycle lasted until the
	 * catch-up's time ran out (2 s on Redis), and without that bound it never ended (order23).
	 * @return the catch-up's answer, whether the gap is settled ({@code false} when it threw)
	 */
	private CompletableFuture<Boolean> catchUpOffThread(Held held) {
		CompletableFuture<Boolean> round = new CompletableFuture<>();
		try {
			CATCH_UPS.execute(() -> round.complete(catchUp(held)));
		}
		catch (RuntimeException ex) {
			// no thread to run it on: this thread runs it, as before
			round.complete(catchUp(held));
		}
		return round;
	}

	/**
	 * Waits until the record is released, the catch-up round is done, or the deadline passed.
	 * @return the round's answer when it is done, otherwise {@code null}
	 */
	private @Nullable Boolean awaitRound(Held held, CompletableFuture<Boolean> round, long deadline) {
		round.whenComplete((settled, failure) -> {
			synchronized (this) {
				notifyAll();
			}
		});
		synchronized (this) {
			try {
				while (!held.released && !round.isDone()) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return null;
					}
					wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return round.getNow(Boolean.FALSE);
	}

	/**
	 * Asks the backend, outside this monitor, to catch its feed up to the revision before a record.
	 * @return whether the gap below it is settled (see {@link CatchUp})
	 */
	private boolean catchUp(Held held) {
		try {
			return this.catchUp.catchUp(held.key - 1);
		}
		catch (RuntimeException ex) {
			// the commit is made: a backend that cannot catch up now is asked again, or its gap given up
			logger.debug("StateTree could not catch the change feed up to revision {}", held.key - 1, ex);
			return false;
		}
	}

	/**
	 * Leaves a record its thread no longer waits for: when it is released, its items go to the first
	 * thread that collects what was released ({@link #collectReleased}); when it already was, its
	 * thread takes them.
	 */
	synchronized void leave(Held held) {
		if (!held.released) {
			held.left = true;
		}
	}

	/**
	 * Waits until the record is released or the deadline passed; then, with {@code giveUp}, gives
	 * its gap up. Whether it was released.
	 */
	private synchronized boolean waitUntil(Held held, long deadline, boolean giveUp) {
		boolean interrupted = false;
		try {
			while (!held.released) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || interrupted) {
					if (giveUp) {
						logger.debug("StateTree gave up waiting for revisions before {}; delivering it", held.key);
						giveUp(held);
					}
					return held.released;
				}
				try {
					wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			return true;
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** Gives up the gap below a record: everything waiting up to it is released. */
	private void giveUp(Held held) {
		if (!held.released) {
			this.frontier = Math.max(this.frontier, held.key - 1);
			releaseWaiting(false);
		}
	}

	/** A record submitted on a shared backend, released to the mailboxes in revision order. */
	static final class Held {

		final @Nullable CommitRecord record;

		/** The key it waits under. */
		final long key;

		/** The items it was routed to, once released (written before {@link #released}). */
		List<DeliveryItem> items = List.of();

		/**
		 * Whether its thread went on without it (it was committed on the thread that hears the
		 * feed): its items go to whoever releases it. Written under the order's monitor; volatile
		 * for {@link #collectReleased}'s look without it.
		 */
		volatile boolean left;

		/** Its place in release order (written before {@link #released}). */
		long sequence;

		volatile boolean released;

		Held(@Nullable CommitRecord record, long key) {
			this.record = record;
			this.key = key;
		}

	}

}
