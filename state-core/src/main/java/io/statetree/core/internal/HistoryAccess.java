package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.StateWriteException;
import io.statetree.core.Versioned;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * Revisions, history and snapshots (DESIGN §11): {@code getVersioned} (the backend's consistent
 * read when it has one, else a read under the commit lock with the controller's revision),
 * {@code history} (the backend's {@link CommitHistory}, else the controller's
 * {@link RecentCommits}), and {@code snapshot} / {@code restore}. Thread-safe.
 */
final class HistoryAccess {

	/** The most commits one {@code history} call returns. */
	static final int MAX_LIMIT = 10_000;

	private final DefaultStateController controller;

	private final StateBackend backend;

	private final CommitTemplate commits;

	private final @Nullable RecentCommits recent;

	HistoryAccess(DefaultStateController controller, StateBackend backend, CommitTemplate commits,
			@Nullable RecentCommits recent) {
		this.controller = controller;
		this.backend = backend;
		this.commits = commits;
		this.recent = recent;
	}

	/** The history watches and {@code history} read: the backend's own, else the in-memory one. */
	CommitHistory commitHistory() {
		CommitHistory own = this.backend.history();
		if (own != null) {
			return own;
		}
		RecentCommits memory = this.recent;
		if (memory == null) {
			throw new IllegalStateException("The backend " + this.backend.describe()
					+ " offered no history when the controller started but offers one now");
		}
		return memory;
	}

	Versioned<@Nullable Object> getVersioned(StatePath path) {
		Versioned<@Nullable Object> read = this.backend.readVersioned(path);
		if (read == null) {
			// no commit of this controller is half made while the lock is held
			read = this.commits.locked(() -> new Versioned<>(this.backend.read(path), this.controller.revision()));
		}
		if (read.value() == null && path.isRoot()) {
			return new Versioned<>(StateValues.emptyBranch(), read.revision());
		}
		return read;
	}

	List<Commit> history(long afterRevision, int limit) {
		if (afterRevision < 0) {
			throw new IllegalArgumentException("history after revision " + afterRevision
					+ ": the revision must not be negative");
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("history limit " + limit + " is outside 1 to " + MAX_LIMIT);
		}
		return commitHistory().after(afterRevision, limit);
	}

	StateSnapshot snapshot(StatePath path) {
		Versioned<@Nullable Object> read = getVersioned(path);
		return new StateSnapshot(path, read.revision(), read.value());
	}

	/**
	 * {@code restore}: one write of the snapshot's value at its path.
	 * @return the commit's revision, or the current one when nothing changed
	 */
	long restore(StateSnapshot snapshot) {
		StatePath path = snapshot.path();
		Object model = this.controller.converter().toModel(path, snapshot.value());
		if (path.isRoot() && model != null && !StateValues.isBranch(model)) {
			throw new StateWriteException("Cannot restore a non-object value at /: the root is always a branch");
		}
		Restore restore = new Restore();
		this.commits.run(Restore.WORK, restore, new Write(path, model, null), null);
		return restore.revision;
	}

	/** What one {@code restore} committed (one per call). */
	private final class Restore {

		static final CommitTemplate.Work<Restore, Write, @Nullable Void> WORK = (commits, restore, write, unused) -> {
			boolean changed = commits.commit(List.of(write), List.of());
			// under the lock, the last revision is this commit's; when nothing changed, the store's
			// current revision: on a shared backend that counts other instances' commits this
			// controller has not heard yet (its own revision() would be behind the value it found)
			restore.revision = changed ? commits.lastRevision() : commits.recorder().knownRevision();
			return changed;
		};

		long revision;

	}

}
