package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StatePath;

/**
 * The paths the members of one {@link GroupCommits} group touch (write, or check a precondition
 * on), and whether a further request may join them: only when none of its paths is equal to,
 * above or below one of theirs, so each member reads and plans against the files as they are. Not
 * thread-safe: one group, under the backend's write lock.
 */
final class GroupPaths {

	private final List<StatePath> touched = new ArrayList<>();

	/**
	 * Whether a request touches a path equal to, above or below one a member touches.
	 * @param request the request
	 * @return whether it must wait for the next group
	 */
	boolean overlaps(CommitRequest request) {
		for (Write write : request.writes()) {
			if (overlaps(write.path())) {
				return true;
			}
		}
		for (Precondition precondition : request.preconditions()) {
			if (overlaps(precondition.path())) {
				return true;
			}
		}
		return false;
	}

	private boolean overlaps(StatePath path) {
		for (StatePath other : this.touched) {
			if (path.isAncestorOrSelf(other) || other.isAncestorOrSelf(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Adds a member's paths.
	 * @param request the member's request
	 */
	void add(CommitRequest request) {
		for (Write write : request.writes()) {
			this.touched.add(write.path());
		}
		for (Precondition precondition : request.preconditions()) {
			this.touched.add(precondition.path());
		}
	}

}
