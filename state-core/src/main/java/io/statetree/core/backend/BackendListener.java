package io.statetree.core.backend;

import org.jspecify.annotations.Nullable;

/**
 * Receives what a shared backend's change feed hears. Called on the feed's thread, one call after
 * another, in revision order.
 */
public interface BackendListener {

	/**
	 * Another instance committed.
	 * @param commit the commit
	 */
	void onRemoteCommit(RemoteCommit commit);

	/**
	 * The feed lost changes (they were trimmed away before it could read them): anything may have
	 * changed. Caches must be dropped.
	 */
	void onResync();

	/**
	 * The feed found that the backend lost commits it had already reported: its revision moved
	 * backwards (Redis came back empty, or failed over to a replica that lost writes: DESIGN §18).
	 * Anything may have changed; caches must be dropped; revisions are counted from
	 * {@code revision} on. A listener that wraps the backend's revisions one for one passes this
	 * on; the default treats it as {@link #onResync()}.
	 * @param revision the backend's revision now, below the last one reported
	 */
	default void onRevisionMovedBack(long revision) {
		onResync();
	}

	/**
	 * The id of the instance (controller) this listener belongs to, which a backend that makes
	 * commits itself (Redis: its expiry sweep) names as their origin, so that the controller
	 * recognises them as its own. The default {@code null} names none.
	 * @return the instance id, or null
	 */
	default @Nullable String instanceId() {
		return null;
	}

}
