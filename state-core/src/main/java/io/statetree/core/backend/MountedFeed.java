package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The feed fan-in of a {@link HybridBackend} (DESIGN §7 and §8): forwards the remote commits of
 * its shared backends to the one listener the controller gives the hybrid, as the hybrid shows
 * them: a mounted backend's paths made absolute; a shared root backend's changes hidden by a
 * mount dropped, and mounted subtrees merged into its changes above mount points. Resyncs pass
 * through. A shared backend whose revision moved backwards (Redis came back empty: DESIGN §18)
 * moves the hybrid's revision back too ({@link MovedBack}), and the listener hears the hybrid's
 * revision now. Stateless apart from the listeners it installs; they run on the backends' feed
 * threads.
 */
final class MountedFeed {

	private MountedFeed() {
	}

	/** The hybrid's side of a revision that moved back: recounts and returns the hybrid's revision. */
	@FunctionalInterface
	interface MovedBack {

		long movedBack(StateBackend backend, long revision);

	}

	/**
	 * Installs (or, with {@code null}, removes) the forwarding listeners on the shared backends.
	 * @param mounts the mount table now
	 * @param current the hybrid's mount table when a change arrives
	 * @param listener the listener to forward to, or {@code null}
	 * @param movedBack recounts the hybrid's revision when a backend's moved back
	 */
	static void connect(Mounts mounts, Supplier<Mounts> current, @Nullable BackendListener listener,
			MovedBack movedBack) {
		StateBackend root = mounts.root();
		if (root.isShared()) {
			root.setBackendListener((listener != null) ? new RootListener(current, listener, root, movedBack) : null);
		}
		for (Map.Entry<StatePath, StateBackend> mount : mounts.points().entrySet()) {
			StateBackend backend = mount.getValue();
			if (backend.isShared()) {
				backend.setBackendListener(
						(listener != null) ? new MountListener(mount.getKey(), listener, backend, root, movedBack) : null);
			}
		}
	}

	/** Passes a backend's revision that moved back on as the hybrid's. */
	private static void movedBack(BackendListener target, StateBackend backend, long revision, MovedBack movedBack) {
		long hybrid;
		try {
			hybrid = movedBack.movedBack(backend, revision);
		}
		catch (RuntimeException ex) {
			// another backend's revision could not be read: the hybrid's stays, caches are dropped
			target.onResync();
			return;
		}
		target.onRevisionMovedBack(hybrid);
	}

	/**
	 * Translates a mounted shared backend's changes to absolute paths, a change at its root with
	 * an empty tree as a read of the mount point shows it ({@link MountMarkers}).
	 */
	private static final class MountListener implements BackendListener {

		private final StatePath point;

		private final StateBackend root;

		private final BackendListener target;

		private final StateBackend backend;

		private final MovedBack movedBack;

		MountListener(StatePath point, BackendListener target, StateBackend backend, StateBackend root,
				MovedBack movedBack) {
			this.point = point;
			this.root = root;
			this.target = target;
			this.backend = backend;
			this.movedBack = movedBack;
		}

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			List<Change> changes = new ArrayList<>(commit.changes().size());
			for (Change change : commit.changes()) {
				Object oldValue = change.oldValue();
				Object newValue = change.newValue();
				if (change.path().isRoot()) {
					oldValue = MountMarkers.atPoint(this.root, this.point, oldValue);
					newValue = MountMarkers.atPoint(this.root, this.point, newValue);
				}
				changes.add(new Change(this.point.resolve(change.path()), oldValue, newValue, change.payload()));
			}
			this.target.onRemoteCommit(new RemoteCommit(commit.revision(), commit.origin(), changes, commit.actor(),
					commit.causedBy(), commit.expiry(), commit.depth()));
		}

		@Override
		public @Nullable String instanceId() {
			return this.target.instanceId();
		}

		@Override
		public void onResync() {
			this.target.onResync();
		}

		@Override
		public void onRevisionMovedBack(long revision) {
			movedBack(this.target, this.backend, revision, this.movedBack);
		}

	}

	/** Drops a shared root backend's changes hidden by mounts, and merges mounts into changes above them. */
	private static final class RootListener implements BackendListener {

		private final Supplier<Mounts> current;

		private final BackendListener target;

		private final StateBackend backend;

		private final MovedBack movedBack;

		RootListener(Supplier<Mounts> current, BackendListener target, StateBackend backend, MovedBack movedBack) {
			this.current = current;
			this.target = target;
			this.backend = backend;
			this.movedBack = movedBack;
		}

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			Mounts mounts = this.current.get();
			List<Change> changes = new ArrayList<>(commit.changes().size());
			for (Change change : commit.changes()) {
				StatePath path = change.path();
				if (mounts.owner(path) != mounts.root() && mounts.owner(path) != null) {
					continue;
				}
				Object oldValue = change.oldValue();
				Object newValue = change.newValue();
				for (Map.Entry<StatePath, StateBackend> mount : mounts.points().entrySet()) {
					if (path.isAncestorOf(mount.getKey())) {
						Object mounted = mount.getValue().read(StatePath.ROOT);
						StatePath relative = path.relativize(mount.getKey());
						oldValue = MountedReads.graft(oldValue, path, relative, mounted);
						newValue = MountedReads.graft(newValue, path, relative, mounted);
					}
				}
				changes.add(new Change(path, oldValue, newValue, change.payload()));
			}
			if (!changes.isEmpty()) {
				this.target.onRemoteCommit(new RemoteCommit(commit.revision(), commit.origin(), changes,
						commit.actor(), commit.causedBy(), commit.expiry(), commit.depth()));
			}
		}

		@Override
		public @Nullable String instanceId() {
			return this.target.instanceId();
		}

		@Override
		public void onResync() {
			this.target.onResync();
		}

		@Override
		public void onRevisionMovedBack(long revision) {
			movedBack(this.target, this.backend, revision, this.movedBack);
		}

	}

}
