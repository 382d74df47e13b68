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
 */
public record RemoteCommit(long revision, String origin, List<Change> changes, @Nullable String actor,
		long causedBy) {

	/**
	 * A remote commit with no actor, made outside any listener.
	 * @param revision its revision
	 * @param origin the instance that made it
	 * @param changes the changes
	 */
	public RemoteCommit(long revision, String origin, List<Change> changes) {
		this(revision, origin, changes, null, 0);
	}

}
