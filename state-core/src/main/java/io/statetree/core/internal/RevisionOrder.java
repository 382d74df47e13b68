package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision-order hold for shared backends (DESIGN §5, "On Redis, revision order covers local
 * and remote commits together"): releases records to the {@link Dispatcher}'s mailboxes in
 * revision order, whichever instance made them. A local commit waits for the remote commits of
 * earlier revisions (which arrive through the change feed, in order), at most
 * {@link #GAP_TIMEOUT_NANOS}, after which the gap is given up (a revision the feed never reports,
 * for example one made before the feed started). A remote commit never waits: it first releases
 * every local one of an earlier revision. Pings keep their place after the records submitted
 * before them. Guarded by its own monitor; called under the controller's commit lock, except
 * {@link #await}.
 */
final class RevisionOrder {

	private static final Logger logger = LoggerFactory.getLogger(RevisionOrder.class);

	/** How long a record waits for a missing earlier revision. */
	static final long GAP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** Routes a released record into its mailboxes. */
	private final Dispatcher dispatcher;

	private final TreeMap<Long, List<Held>> waiting = new TreeMap<>();

	/** Every revision up to this one has been released (or given up). */
	private long frontier;

	RevisionOrder(long start, Dispatcher dispatcher) {
		this.frontier = start;
		this.dispatcher = dispatcher;
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
		}
		held.released = true;
		notifyAll();
		return held;
	}

	/** Waits until a record is released; gives up its gap after the timeout. */
	synchronized void await(Held held) {
		long deadline = System.nanoTime() + GAP_TIMEOUT_NANOS;
		boolean interrupted = false;
		while (!held.released) {
			long left = deadline - System.nanoTime();
			if (left <= 0 || interrupted) {
				logger.debug("StateTree gave up waiting for revisions before {}; delivering it", held.key);
				this.frontier = Math.max(this.frontier, held.key - 1);
				releaseWaiting(false);
				break;
			}
			try {
				wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** A record submitted on a shared backend, released to the mailboxes in revision order. */
	static final class Held {

		final @Nullable CommitRecord record;

		/** The key it waits under. */
		final long key;

		/** The items it was routed to, once released (written before {@link #released}). */
		List<DeliveryItem> items = List.of();

		volatile boolean released;

		Held(@Nullable CommitRecord record, long key) {
			this.record = record;
			this.key = key;
		}

	}

}
