package io.statetree.core.backend;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A commit made by another instance, delivered by a shared backend's change feed.
 *
 * @param revision its revision (per namespace)
 * @param origin the id of the instance that made it
 * @param changes the changed paths with values before and after the commit
 * @param actor who made the change, {@code null} when unknown
 * @param causedBy the revision whose listener or effect made this commit, {@code 0} when none
 * @param expiry {@code true} for an expiry commit (DESIGN §12), made by whichever instance swept
 * @param depth how many rounds of listener writes led to it on the instance that made it
 * ({@link CommitRequest#depth()}): this instance's listeners hear it at that depth, so their writes
 * count one round more and a cascade across instances stops where a local one does (DESIGN §5)
 */
public record RemoteCommit(long revision, String origin, List<Change> changes, @Nullable String actor,
		long causedBy, boolean expiry, int depth) {

	/**
	 * A remote commit made outside any listener (cascade depth 0).
	 * @param revision its revision
	 * @param origin the instance that made it
	 * @param changes the changes
	 * @param actor who made it, or {@code null}
	 * @param causedBy the causing revision, or 0
	 * @param expiry whether it is an expiry commit
	 */
	public RemoteCommit(long revision, String origin, List<Change> changes, @Nullable String actor, long causedBy,
			boolean expiry) {
		this(revision, origin, changes, actor, causedBy, expiry, 0);
	}

	/**
	 * A remote commit that is not an expiry commit.
	 * @param revision its revision
	 * @param origin the instance that made it
	 * @param changes the changes
	 * @param actor who made it, or {@code null}
	 * @param causedBy the causing revision, or 0
	 */
	public RemoteCommit(long revision, String origin, List<Change> changes, @Nullable String actor, long causedBy) {
		this(revision, origin, changes, actor, causedBy, false, 0);
	}

	/**
	 * A remote commit with no actor, made outside any listener.
	 * @param revision its revision
	 * @param origin the instance that made it
	 * @param changes the changes
	 */
	public RemoteCommit(long revision, String origin, List<Change> changes) {
		this(revision, origin, changes, null, 0, false, 0);
	}

}
