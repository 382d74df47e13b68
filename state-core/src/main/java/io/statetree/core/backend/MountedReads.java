package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Reads through a {@link HybridBackend}'s {@link Mounts} (DESIGN §7): a path at or below a mount
 * point is read from that mount, relative to it; a path above mount points is read from the root
 * backend with each mounted subtree merged in at its position ({@link #graft}). An empty mount
 * reads as {@code {}} when the root backend holds its marker (a branch at the mount point,
 * {@link MountMarkers}), else as absent, and hides the root backend's other data at its position. Stateless; thread-safe as
 * far as the backends are.
 */
final class MountedReads {

	private MountedReads() {
	}

	/**
	 * Reads a path.
	 * @param mounts the mount table
	 * @param path the path
	 * @return its value, mounted subtrees merged in
	 */
	static @Nullable Object read(Mounts mounts, StatePath path) {
		Map<StatePath, StateBackend> points = mounts.points();
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				StatePath relative = mount.getKey().relativize(path);
				Object value = mount.getValue().read(relative);
				return (relative.isRoot() && isEmpty(value)) ? MountMarkers.atPoint(mounts.root(), mount.getKey(), value)
						: value;
			}
		}
		Object value = mounts.root().read(path);
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (path.isAncestorOf(mount.getKey())) {
				value = graft(value, path, path.relativize(mount.getKey()), mount.getValue().read(StatePath.ROOT));
			}
		}
		return value;
	}

	/**
	 * Lists children through the backends' own listings: below a mount point the mounted
	 * backend's, above it the root backend's plus the names leading to non-empty mounts (an empty
	 * mount without its marker hides the root backend's entry of the same name, as reads do).
	 * @param mounts the mount table
	 * @param path the path
	 * @return the child names in order
	 */
	static List<String> childNames(Mounts mounts, StatePath path) {
		Map<StatePath, StateBackend> points = mounts.points();
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				return mount.getValue().childNames(mount.getKey().relativize(path));
			}
		}
		List<String> names = new ArrayList<>(mounts.root().childNames(path));
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (!path.isAncestorOf(mount.getKey())) {
				continue;
			}
			String name = mount.getKey().segment(path.depth());
			boolean empty = mount.getValue().childNames(StatePath.ROOT).isEmpty();
			if (!empty && !names.contains(name)) {
				names.add(name);
			}
			else if (empty && mount.getKey().depth() == path.depth() + 1
					&& !hasNonEmptyMountBelow(points, mount.getKey())
					&& !MountMarkers.present(mounts.root(), mount.getKey())) {
				names.remove(name);
			}
		}
		return List.copyOf(names);
	}

	private static boolean hasNonEmptyMountBelow(Map<StatePath, StateBackend> points, StatePath point) {
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (point.isAncestorOf(mount.getKey()) && !mount.getValue().childNames(StatePath.ROOT).isEmpty()) {
				return true;
			}
		}
		return false;
	}

	static boolean isEmpty(@Nullable Object value) {
		return value == null || (value instanceof Map<?, ?> map && map.isEmpty());
	}

	/**
	 * Puts a mounted tree into a value read from the root backend, turning whatever lies on the way
	 * into branches; an empty mounted tree only hides the root backend's data at its position,
	 * leaving {@code {}} where the root backend holds a branch (the mount point's marker,
	 * {@link MountMarkers}) and nothing where it does not.
	 * @param value the value read from the root backend at {@code base}
	 * @param base where it was read
	 * @param relative the mount point relative to {@code base}
	 * @param mounted the mount's whole tree
	 * @return the merged value
	 */
	static @Nullable Object graft(@Nullable Object value, StatePath base, StatePath relative, @Nullable Object mounted) {
		if (isEmpty(mounted)) {
			Object there = StateValues.getIn(value, relative);
			if (there instanceof Map<?, ?> marker) {
				return marker.isEmpty() ? value : StateValues.setIn(value, base, relative, StateValues.emptyBranch());
			}
			return StateValues.setIn(value, base, relative, null);
		}
		return graft(value, relative, 0, mounted);
	}

	private static Object graft(@Nullable Object value, StatePath relative, int index, Object mounted) {
		if (index == relative.depth()) {
			return mounted;
		}
		Map<String, Object> branch = (value instanceof Map<?, ?>) ? asBranch(value) : Branch.EMPTY;
		String key = relative.segment(index);
		Object child = graft(branch.get(key), relative, index + 1, mounted);
		Branch b = (branch instanceof Branch existing) ? existing : (Branch) StateValues.branch(branch);
		return b.with(key, child);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asBranch(Object value) {
		return (Map<String, Object>) value;
	}

}
