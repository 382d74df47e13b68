package io.statetree.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * Step 3 of the {@link CommitTemplate}: records what the backend committed, in revision order
 * because the commit lock is held: the latest revision, the in-memory history, the
 * {@link EffectJournal} and the {@link Dispatcher}'s queues; after the feed lost track, it sets
 * the latest revision against the backend's ({@link #resyncRevisionLocked}). Writes happen under
 * the commit lock only; {@link #lastRevision()} may be read from any thread.
 */
final class CommitRecorder {

	private static final VarHandle LAST_REVISION;

	static {
		try {
			LAST_REVISION = MethodHandles.lookup().findVarHandle(CommitRecorder.class, "lastRevision", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final String instanceId;

	/** The backend, asked for its revision after the feed lost track. */
	private final StateBackend backend;

	private final EffectJournal journal;

	private final EventRouter router;

	private final Dispatcher dispatcher;

	/** The in-memory history, or null when the backend keeps its own. */
	private final @Nullable RecentCommits recent;

	/**
	 * The latest revision committed here or heard from the feed; advanced under the lock with a
	 * release store ({@link #LAST_REVISION}): only the lock holder writes it and nothing orders
	 * other memory accesses after it, so the full fence of a volatile store buys nothing on the
	 * hot path. Read as a volatile.
	 */
	private volatile long lastRevision;

	/**
	 * Whether a local commit found the backend's revision moved back and the feed has not
	 * reported that move yet; under the lock.
	 */
	private boolean movedBackUnreported;

	CommitRecorder(String instanceId, StateBackend backend, long revision, EffectJournal journal, EventRouter router,
			Dispatcher dispatcher, @Nullable RecentCommits recent) {
		this.instanceId = instanceId;
		this.backend = backend;
		this.lastRevision = revision;
		this.journal = journal;
		this.router = router;
		this.dispatcher = dispatcher;
		this.recent = recent;
	}

	/** The latest revision committed here or heard from the feed. */
	long lastRevision() {
		return this.lastRevision;
	}

	/** The in-memory history, or null when the backend keeps its own. */
	@Nullable RecentCommits recent() {
		return this.recent;
	}

	/**
	 * The backend's revision if it can be read, else the latest one known here (after the feed
	 * lost track of other instances' commits).
	 */
	long knownRevision() {
		try {
			return Math.max(lastRevision(), this.backend.revision());
		}
		catch (RuntimeException ex) {
			return lastRevision();
		}
	}

	/**
	 * After the feed lost track (a resync): moves the latest revision up to the backend's, so
	 * {@code revision()} and the resync event carry the namespace's current revision (issue 19),
	 * or, when the feed found the backend's revision moved backwards (DESIGN §18: it came back
	 * empty), sets it to the revision the feed names. When the backend cannot be read, the latest
	 * revision known here stays. Called with the lock held.
	 * @param movedBackTo the backend's revision after it moved backwards, or -1
	 * @return the revision now the latest
	 */
	long resyncRevisionLocked(long movedBackTo) {
		if (movedBackTo >= 0) {
			resetTo(movedBackTo);
			return lastRevision();
		}
		resynced();
		try {
			advance(this.backend.revision());
		}
		catch (RuntimeException ex) {
			// unreadable: the latest revision known here stays
		}
		return lastRevision();
	}

	/** Moves {@link #lastRevision} forward; called with the lock held (the only writer). */
	void advance(long revision) {
		if (revision > this.lastRevision) {
			LAST_REVISION.setRelease(this, revision);
		}
	}

	/**
	 * Sets {@link #lastRevision} to the shared backend's revision after a resync, also backwards
	 * (the backend came back empty, or failed over to a replica that lost commits), unless a local
	 * commit already found that move ({@link #movedBackBefore}): then the feed's report of it only
	 * moves the revision forward, past the local commits made since. Called with the lock held
	 * (the only writer).
	 */
	void resetTo(long revision) {
		if (this.movedBackUnreported) {
			this.movedBackUnreported = false;
			advance(revision);
			return;
		}
		LAST_REVISION.setRelease(this, Math.max(0, revision));
	}

	/** A resync that is not a move back: the next report of a move back is a new one. */
	void resynced() {
		this.movedBackUnreported = false;
	}

	/**
	 * A local commit on a shared backend took a revision at or below the latest one known here: the
	 * backend's revision moved back (DESIGN §18: it came back empty, or failed over to a replica
	 * that lost commits) before the change feed noticed. Delivers the resync first, at the
	 * revision before the commit's, so every listener hears the resync and then the commit, in
	 * revision order, and {@link #lastRevision} follows the backend; the feed's own report of the
	 * same move then finds it handled ({@link #resetTo}). Called with the lock held.
	 * @param revision the local commit's revision
	 */
	void movedBackBefore(long revision) {
		long before = this.lastRevision;
		LAST_REVISION.setRelease(this, revision - 1);
		this.movedBackUnreported = true;
		if (this.recent != null) {
			// the commits up to the old revision are not the backend's any more
			this.recent.lostThrough(before);
		}
		this.dispatcher.submit(new CommitRecord(revision - 1, this.instanceId, List.of(), CommitRecord.Kind.RESYNC, 0,
				Thread.currentThread()));
	}

	/**
	 * Records what the backend committed: the revision, the history, the effect journal and the
	 * listeners' queues. Called with the lock held; throws nothing the backend did not.
	 * @param actor the commit's actor, or null
	 * @param causedBy the revision whose delivery made the commit, or 0
	 * @param expiry whether it is an expiry commit
	 * @return whether anything changed
	 */
	boolean record(CommitResult result, @Nullable String actor, long causedBy, boolean expiry) {
		List<Change> changed = RealChanges.of(result.changes());
		if (changed.isEmpty()) {
			this.dispatcher.skip(result.revision(), false);
			return false;
		}
		advance(result.revision());
		if (this.recent != null) {
			// before routing: a watch that subscribed first finds it in the history
			this.recent.append(result.revision(), this.instanceId, actor, causedBy, changed, expiry);
		}
		this.journal.record(result.revision(), this.instanceId, changed, actor, causedBy, expiry);
		if (this.router.hasAudience()) {
			this.dispatcher.submit(new CommitRecord(result.revision(), this.instanceId, changed,
					CommitRecord.Kind.LOCAL, this.dispatcher.currentDepth() + 1, Thread.currentThread(), actor,
					causedBy, expiry));
		}
		else {
			this.dispatcher.skip(result.revision(), false);
		}
		return true;
	}

}
