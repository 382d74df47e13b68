package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.StateValues;

/**
 * Takes other instances' commits from a shared backend's change feed (DESIGN §8): each one
 * advances the controller's revision, is noted for running effects and is queued for this
 * instance's listeners, under the commit lock so that every queue receives commits in revision
 * order, local and remote together. A feed that lost track asks for a resync: every listener
 * hears one resync event. Called on the feed's thread, which then delivers what it queued.
 */
final class RemoteFeedIntake implements BackendListener {

	private final CommitTemplate commits;

	private final ReentrantLock commitLock;

	private final EffectJournal journal;

	private final Dispatcher dispatcher;

	RemoteFeedIntake(CommitTemplate commits, ReentrantLock commitLock, EffectJournal journal,
			Dispatcher dispatcher) {
		this.commits = commits;
		this.commitLock = commitLock;
		this.journal = journal;
		this.dispatcher = dispatcher;
	}

	@Override
	public void onRemoteCommit(RemoteCommit commit) {
		List<Change> changed = new ArrayList<>(commit.changes().size());
		for (Change change : commit.changes()) {
			if (!StateValues.equal(change.oldValue(), change.newValue())) {
				changed.add(change);
			}
		}
		this.commitLock.lock();
		try {
			this.commits.advance(commit.revision());
			if (changed.isEmpty()) {
				this.dispatcher.skip(commit.revision(), true);
				return;
			}
			this.journal.record(commit.revision(), commit.origin(), List.copyOf(changed));
			this.dispatcher.submit(new CommitRecord(commit.revision(), commit.origin(), List.copyOf(changed),
					CommitRecord.Kind.REMOTE, 0, Thread.currentThread()));
		}
		finally {
			this.commitLock.unlock();
		}
		this.dispatcher.drain();
	}

	@Override
	public void onResync() {
		this.commitLock.lock();
		try {
			this.dispatcher.submit(new CommitRecord(this.commits.lastRevision(), this.commits.instanceId(),
					List.of(), CommitRecord.Kind.RESYNC, 0, Thread.currentThread()));
		}
		finally {
			this.commitLock.unlock();
		}
		this.dispatcher.drain();
	}

}
