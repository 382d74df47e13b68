package io.statetree.core.backend;

import java.util.List;

import io.statetree.core.Commit;

/**
 * A backend capability (DESIGN §11): the backend keeps its own history of commits, so that it
 * outlives the controller (the filesystem backend's append-only log in its directory, the Redis
 * change stream). A backend without one ({@link StateBackend#history()} returns {@code null})
 * gets the controller's in-memory history of the last {@code historySize} commits instead.
 *
 * <p>A commit must be readable here once {@link StateBackend#commit} has returned it (the
 * controller reads the history after subscribing a watch and relies on that to leave no gap).
 * Implementations are thread-safe.
 */
public interface CommitHistory {

	/**
	 * Returns retained commits with a revision above {@code afterRevision}, oldest first.
	 * Only commits that changed something are kept.
	 * @param afterRevision the revision to read after ({@code 0} for the oldest retained)
	 * @param limit the most commits to return, at least 1
	 * @return the commits, oldest first, possibly empty; never more than {@code limit}
	 * @throws io.statetree.core.StateStorageException when the history cannot be read
	 */
	List<Commit> after(long afterRevision, int limit);

	/**
	 * Returns the revision after which every commit is retained: commits with a higher revision
	 * are all in {@link #after}; older ones may be gone. {@code 0} while nothing was dropped.
	 * @return the retention horizon, a revision
	 */
	long retainedAfter();

}
