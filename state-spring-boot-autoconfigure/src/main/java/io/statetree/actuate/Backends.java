package io.statetree.actuate;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.backend.BackendDescription;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * Finds the backends serving a controller's tree through the backend SPI's self-description
 * ({@link StateBackend#description()}), never by a backend's class: a composed backend's root and
 * mounts, each seen through any backend in front of it (a cache), and each store's change-feed
 * lag. Shared by the endpoint's overview, the health indicator and the feed-lag gauge (DESIGN §9).
 */
final class Backends {

	private Backends() {
	}

	/**
	 * A backend serving a subtree.
	 * @param mountPoint where it is mounted ({@code /} for the root backend)
	 * @param backend the backend as mounted (possibly a cache in front of the store)
	 * @param store the store behind any backend in front of it
	 */
	record Mounted(StatePath mountPoint, StateBackend backend, StateBackend store) {
	}

	/**
	 * Lists the backends serving the tree, the root's first, then the mounts in the order the
	 * composed backend lists them.
	 */
	static List<Mounted> mounted(StateBackend backend) {
		List<Mounted> result = new ArrayList<>();
		collect(StatePath.ROOT, backend, result);
		return List.copyOf(result);
	}

	private static void collect(StatePath mountPoint, StateBackend backend, List<Mounted> result) {
		StateBackend store = store(backend);
		List<BackendDescription.Mount> mounts = store.description().mounts();
		if (mounts.isEmpty()) {
			result.add(new Mounted(mountPoint, backend, store));
			return;
		}
		// A composed backend: each part serves its own subtree (the root's part at the same point).
		for (BackendDescription.Mount mount : mounts) {
			collect(mount.mountPoint().isRoot() ? mountPoint : mount.mountPoint(), mount.backend(), result);
		}
	}

	/**
	 * Returns the store behind any backend in front of it.
	 */
	static StateBackend store(StateBackend backend) {
		StateBackend current = backend;
		StateBackend behind = current.description().delegate();
		while (behind != null) {
			current = behind;
			behind = current.description().delegate();
		}
		return current;
	}

	/**
	 * Returns how far a store's change feed is behind, in milliseconds: -1 when its feed does not
	 * run, {@code null} when it has no feed.
	 */
	static @Nullable Long feedLagMillis(StateBackend store) {
		return store.description().feedLagMillis();
	}

}
