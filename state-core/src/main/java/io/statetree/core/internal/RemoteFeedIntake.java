package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.RemoteCommit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes other instances' commits from a shared backend's change feed (DESIGN §8): each one
 * advances the controller's revision, is noted for running effects and is queued for this
 * instance's listeners, under the commit lock so that every queue receives commits in revision
 * order, local and remote together. A remote commit is queued at the cascade depth it had on the
 * instance that made it ({@code RemoteCommit.depth()}), so a listener that writes on hearing it
 * counts one round more, and a cascade of listener writes across instances meets the same
 * 1,000-round guard as a local one (DESIGN §5). A feed that lost track asks for a resync: the
 * controller moves its revision up to the backend's (point 5 of issue 19), or sets it to the
 * revision the feed names when the backend's revision moved backwards (it came back empty:
 * DESIGN §18), and every listener hears one resync event carrying it. Called on the feed's thread, which then delivers what it queued.
 */
final class RemoteFeedIntake implements BackendListener {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	/** Another instance's commit: advances the revision, and is recorded and queued when it changed something. */
	private static final CommitTemplate.Work<RemoteFeedIntake, RemoteCommit, List<Change>> COMMIT = (commits, intake,
			commit, changed) -> {
		commits.recorder().advance(commit.revision());
		if (changed.isEmpty()) {
			intake.dispatcher.skip(commit.revision(), true);
			return false;
		}
		RecentCommits recent = commits.recorder().recent();
		if (recent != null) {
			// a shared backend without its own history: other instances' commits are kept too
			recent.append(commit.revision(), commit.origin(), commit.actor(), commit.causedBy(), changed,
					commit.expiry());
		}
		intake.journal.record(commit.revision(), commit.origin(), changed, commit.actor(), commit.causedBy(),
				commit.expiry());
		intake.dispatcher.submit(new CommitRecord(commit.revision(), commit.origin(), changed,
				CommitRecord.Kind.REMOTE, commit.depth(), Thread.currentThread(), commit.actor(), commit.causedBy(),
				commit.expiry()));
		return true;
	};

	/** A resync: every listener hears one resync event. */
	private static final CommitTemplate.Work<RemoteFeedIntake, Long, @Nullable Void> RESYNC = (commits, intake,
			movedBackTo, unused) -> {
		long before = commits.lastRevision();
		// the backend's revision now; backwards only when the feed said it moved back (came back empty)
		long now = commits.recorder().resyncRevisionLocked(movedBackTo);
		RecentCommits recent = commits.recorder().recent();
		if (recent != null) {
			// the feed lost track: commits up to now may be missing from the in-memory history
			recent.lostThrough(Math.max(before, now));
		}
		intake.dispatcher.submit(new CommitRecord(now, commits.instanceId(), List.of(), CommitRecord.Kind.RESYNC, 0,
				Thread.currentThread()));
		return true;
	};

	private final CommitTemplate commits;

	private final EffectJournal journal;

	private final Dispatcher dispatcher;

	RemoteFeedIntake(CommitTemplate commits, EffectJournal journal, Dispatcher dispatcher) {
		this.commits = commits;
		this.journal = journal;
		this.dispatcher = dispatcher;
	}

	@Override
	public void onRemoteCommit(RemoteCommit commit) {
		// a commit made on this thread until it returns (a listener's, or the derivations an expiry
		// re-runs) cannot wait for the feed this thread delivers: the dispatcher leaves it held
		this.dispatcher.cannotWait(true);
		try {
			List<Change> changed = RealChanges.of(commit.changes());
			this.commits.hear(COMMIT, this, commit, changed);
			if (commit.expiry() && !changed.isEmpty() && this.commits.instanceId().equals(commit.origin())) {
				// the backend expired entries itself, naming this instance (its sweeper, or its commit
				// that expired first): this instance alone runs the derivations that read them
				followExpiry(commit, changed);
			}
		}
		finally {
			this.dispatcher.cannotWait(false);
		}
	}

	@Override
	public String instanceId() {
		return this.commits.instanceId();
	}

	private void followExpiry(RemoteCommit commit, List<Change> changed) {
		List<StatePath> expired = new ArrayList<>(changed.size());
		for (Change change : changed) {
			expired.add(change.path());
		}
		try {
			ExpiryFollowUp.derive(this.commits, expired, commit.revision());
		}
		catch (RuntimeException ex) {
			// the expiry stands; the derivations keep their values until a source is written again
			logger.error("StateTree could not recompute the derivations after expiry commit {}", commit.revision(),
					ex);
		}
	}

	@Override
	public void onResync() {
		this.dispatcher.cannotWait(true);
		try {
			this.commits.hear(RESYNC, this, -1L, null);
		}
		finally {
			this.dispatcher.cannotWait(false);
		}
	}

	@Override
	public void onRevisionMovedBack(long revision) {
		this.dispatcher.cannotWait(true);
		try {
			this.commits.hear(RESYNC, this, Math.max(0, revision), null);
		}
		finally {
			this.dispatcher.cannotWait(false);
		}
	}

}
