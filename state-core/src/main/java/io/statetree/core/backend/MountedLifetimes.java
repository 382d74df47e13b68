package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * The lifetimes of a {@link HybridBackend} (DESIGN §12, "per mount"): each backend keeps the
 * lifetimes of the paths it serves, and this view composes theirs, mounted paths translated to
 * full paths. {@link #refuse} is the hybrid's rule for writes: a lifetime on a path at or above
 * a mount point, or on a path whose backend keeps none, is refused before anything is written. Reads the current mount
 * table on every call; thread-safe as the backends are.
 */
final class MountedLifetimes implements ExpiringEntries {

	private final Supplier<Mounts> mounts;

	MountedLifetimes(Supplier<Mounts> mounts) {
		this.mounts = mounts;
	}

	/**
	 * Refuses a write's lifetime the hybrid cannot keep; writes nothing.
	 * @param mounts the mount table
	 * @param write the caller's write
	 * @throws StateWriteException naming the path and the reason when the path is at or above a
	 * mount point (a lifetime would span backends)
	 * @throws UnsupportedOperationException naming the path when its backend keeps no lifetimes
	 */
	static void refuse(Mounts mounts, Write write) {
		Lifetime lifetime = write.lifetime();
		if (lifetime == null || lifetime.isKeep()) {
			return;
		}
		StatePath path = write.path();
		String kind = lifetime.isEphemeral() ? "as ephemeral" : "with a time to live";
		for (StatePath point : mounts.points().keySet()) {
			if (path.isAncestorOrSelf(point)) {
				throw new StateWriteException("Cannot write " + path + " " + kind + ": "
						+ (path.equals(point) ? "it is a mount point" : "it lies above the mount point " + point)
						+ ", and lifetimes are kept per mounted backend; give them to paths below " + point);
			}
		}
		StateBackend owner = mounts.owner(path);
		if (owner != null && owner.expiringEntries() == null) {
			// as the controller refuses a lifetime on a backend without the capability
			throw new UnsupportedOperationException("Cannot write " + path + " " + kind + ": the backend "
					+ (owner == mounts.root() ? "at /" : "mounted at " + pointOf(mounts, owner)) + " ("
					+ owner.describe().get("type") + ") keeps no lifetimes");
		}
	}

	private static StatePath pointOf(Mounts mounts, StateBackend backend) {
		for (Map.Entry<StatePath, StateBackend> mount : mounts.points().entrySet()) {
			if (mount.getValue() == backend) {
				return mount.getKey();
			}
		}
		return StatePath.ROOT;
	}

	@Override
	public @Nullable Duration timeToLive(StatePath path) {
		Mounts table = this.mounts.get();
		StateBackend owner = table.owner(path);
		if (owner == null) {
			// above a mount point: a lifetime is never kept there or above
			return null;
		}
		ExpiringEntries entries = owner.expiringEntries();
		return (entries != null) ? entries.timeToLive(pointOf(table, owner).relativize(path)) : null;
	}

	/** The stamp of the backend that serves the path; {@code -1} above a mount point, where none is kept. */
	@Override
	public long lifetimeStamp(StatePath path) {
		Mounts table = this.mounts.get();
		StateBackend owner = table.owner(path);
		if (owner == null) {
			return -1;
		}
		ExpiringEntries entries = owner.expiringEntries();
		return (entries != null) ? entries.lifetimeStamp(pointOf(table, owner).relativize(path)) : -1;
	}

	@Override
	public long nanosUntilNextDue() {
		Mounts table = this.mounts.get();
		long next = nanosUntilNextDue(table.root());
		for (StateBackend backend : table.points().values()) {
			next = Math.min(next, nanosUntilNextDue(backend));
		}
		return next;
	}

	private static long nanosUntilNextDue(StateBackend backend) {
		ExpiringEntries entries = backend.expiringEntries();
		return (entries != null) ? entries.nanosUntilNextDue() : Long.MAX_VALUE;
	}

	@Override
	public List<StatePath> due() {
		Mounts table = this.mounts.get();
		List<StatePath> due = new ArrayList<>();
		ExpiringEntries root = table.root().expiringEntries();
		if (root != null) {
			for (StatePath path : root.due()) {
				// an entry the root backend keeps under a path a mount now serves is out of reach
				if (table.owner(path) == table.root()) {
					due.add(path);
				}
			}
		}
		table.points().forEach((point, backend) -> {
			ExpiringEntries entries = backend.expiringEntries();
			if (entries != null) {
				for (StatePath path : entries.due()) {
					due.add(point.resolve(path));
				}
			}
		});
		return Collections.unmodifiableList(due);
	}

	@Override
	public List<StatePath> ephemeral(String owner) {
		Mounts table = this.mounts.get();
		List<StatePath> held = new ArrayList<>();
		ExpiringEntries root = table.root().expiringEntries();
		if (root != null) {
			for (StatePath path : root.ephemeral(owner)) {
				if (table.owner(path) == table.root()) {
					held.add(path);
				}
			}
		}
		table.points().forEach((point, backend) -> {
			ExpiringEntries entries = backend.expiringEntries();
			if (entries != null) {
				for (StatePath path : entries.ephemeral(owner)) {
					held.add(point.resolve(path));
				}
			}
		});
		return Collections.unmodifiableList(held);
	}

	/**
	 * Has each backend remove what is due from its part of the value: the one serving the path,
	 * or, above mount points, the root backend from the whole value and each mount from its
	 * subtree.
	 */
	@Override
	public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
		if (value == null) {
			return null;
		}
		Mounts table = this.mounts.get();
		StateBackend owner = table.owner(path);
		if (owner != null) {
			ExpiringEntries entries = owner.expiringEntries();
			return (entries != null) ? entries.withoutDue(pointOf(table, owner).relativize(path), value) : value;
		}
		ExpiringEntries root = table.root().expiringEntries();
		Object result = (root != null) ? root.withoutDue(path, value) : value;
		for (Map.Entry<StatePath, StateBackend> mount : table.points().entrySet()) {
			StatePath point = mount.getKey();
			ExpiringEntries entries = mount.getValue().expiringEntries();
			if (result == null || entries == null || !path.isAncestorOf(point)) {
				continue;
			}
			StatePath relative = path.relativize(point);
			Object subtree = StateValues.getIn(result, relative);
			if (subtree == null) {
				continue;
			}
			Object kept = entries.withoutDue(StatePath.ROOT, subtree);
			if (kept != subtree) {
				result = StateValues.setIn(result, path, relative, kept);
			}
		}
		return result;
	}

	@Override
	public Map<StatePath, Lifetime> lifetimes() {
		Mounts table = this.mounts.get();
		Map<StatePath, Lifetime> all = new HashMap<>();
		ExpiringEntries root = table.root().expiringEntries();
		if (root != null) {
			root.lifetimes().forEach((path, lifetime) -> {
				if (table.owner(path) == table.root()) {
					all.put(path, lifetime);
				}
			});
		}
		table.points().forEach((point, backend) -> {
			ExpiringEntries entries = backend.expiringEntries();
			if (entries != null) {
				entries.lifetimes().forEach((path, lifetime) -> all.put(point.resolve(path), lifetime));
			}
		});
		return Collections.unmodifiableMap(all);
	}

}
