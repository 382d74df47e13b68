package io.statetree.core.backend;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Whether the mount points of a {@link HybridBackend} exist while their mounts are empty
 * (DESIGN §2 and §7: a hybrid reads as one tree, so a mount point reads as the in-memory backend
 * would read the same path after the same writes). A mounted backend's root is always a branch,
 * so it cannot tell an emptied mount point ({@code {}}, as a branch whose last child was deleted
 * reads everywhere) from one never written or deleted (absent). The root backend keeps that bit:
 * an empty branch at the mount point's path (the <em>marker</em>; the root backend's data there is
 * otherwise hidden by the mount). A mount point reads as the mount's tree when that is not empty,
 * else as {@code {}} when the root backend holds a branch at its path, else as absent.
 * <p>
 * One instance per {@link MountedCommit}: it follows, write by write, whether each mount point the
 * commit touches will exist, so that the commit's part for the root backend creates the marker
 * (a write at or below the mount point that leaves a value there) or deletes it (a delete of the
 * mount point) at the position in the write order where the in-memory backend would create or
 * delete the branch, keeping the order of children. Not thread-safe; used under the hybrid's
 * write lock.
 */
final class MountMarkers {

	private final StateBackend root;

	/** The marker of each mount point looked at, before the commit. */
	private final Map<StatePath, Boolean> before = new HashMap<>();

	/** The marker of each mount point looked at, as the writes split so far leave it. */
	private final Map<StatePath, Boolean> after = new HashMap<>();

	MountMarkers(StateBackend root) {
		this.root = root;
	}

	/**
	 * Tells whether the root backend holds a mount point's marker now.
	 * @param root the hybrid's root backend
	 * @param point the mount point
	 * @return whether the mount point reads as {@code {}} when its mount is empty
	 */
	static boolean present(StateBackend root, StatePath point) {
		return root.read(point) instanceof Map<?, ?>;
	}

	/**
	 * The value a mount point reads as, given its mount's tree.
	 * @param root the hybrid's root backend
	 * @param point the mount point
	 * @param mounted the mount's tree ({@code null} or a branch)
	 * @return the tree when it has children, else {@code {}} or {@code null} by the marker
	 */
	static @Nullable Object atPoint(StateBackend root, StatePath point, @Nullable Object mounted) {
		if (!MountedReads.isEmpty(mounted)) {
			return mounted;
		}
		return present(root, point) ? StateValues.emptyBranch() : null;
	}

	/** Whether the marker was there before the commit. */
	boolean before(StatePath point) {
		return this.before.computeIfAbsent(point, (p) -> present(this.root, p));
	}

	/** Whether the marker is there once the writes split so far are committed. */
	boolean after(StatePath point) {
		Boolean now = this.after.get(point);
		return (now != null) ? now : before(point);
	}

	/**
	 * Follows a write at or below a mount point.
	 * @param point the mount point
	 * @param write the caller's write (absolute path)
	 * @return the root backend's write keeping the marker, or {@code null} when it needs none
	 */
	@Nullable Write below(StatePath point, Write write) {
		boolean exists = after(point);
		if (write.value() == null) {
			if (!write.path().equals(point) || !exists) {
				return null; // a delete below a mount point leaves it a branch, as everywhere
			}
			this.after.put(point, false);
			return new Write(point, null, null, null);
		}
		if (exists) {
			return null;
		}
		this.after.put(point, true);
		return new Write(point, StateValues.emptyBranch(), null, null);
	}

	/**
	 * The mount points the writes split so far touched (at, below or above them), in a new list.
	 * @return the points
	 */
	List<StatePath> touched() {
		return List.copyOf(this.before.keySet());
	}

	/**
	 * Forgets what the writes split so far did to a mount point's marker (the commit writes none
	 * for it after all): it reads after the commit as before it.
	 * @param point the mount point
	 */
	void forget(StatePath point) {
		this.after.remove(point);
	}

	/**
	 * Follows a write above a mount point: its value decides the mount point, which exists after
	 * it exactly when the value holds a branch there.
	 * @param point the mount point
	 * @param mounted the value's subtree at the mount point, or {@code null}
	 */
	void above(StatePath point, @Nullable Object mounted) {
		before(point);
		this.after.put(point, mounted != null);
	}

	/**
	 * A mounted backend's change at its own root, as a read of the mount point shows it: an empty
	 * tree as {@code {}} or absent by the marker before and after the commit.
	 * @param point the mount point
	 * @param change the change, its path relative to the mount
	 * @return the change with the values a read shows
	 */
	Change atPoint(StatePath point, Change change) {
		Object oldValue = change.oldValue();
		Object newValue = change.newValue();
		if (MountedReads.isEmpty(oldValue)) {
			oldValue = before(point) ? StateValues.emptyBranch() : null;
		}
		if (MountedReads.isEmpty(newValue)) {
			newValue = after(point) ? StateValues.emptyBranch() : null;
		}
		return new Change(change.path(), oldValue, newValue, change.payload());
	}

}
