package io.statetree.core.backend;

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

}
