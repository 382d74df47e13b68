package io.statetree.core.backend;

import org.jspecify.annotations.Nullable;

/**
 * The listener a {@link CachingBackend} gives its delegate: invalidates what another instance
 * changed before passing the news on.
 */
final class InvalidatingListener implements BackendListener {

	private final CachingBackend cache;

	/** Whether the cache's revisions are the delegate's, one for one (write-through). */
	private final boolean sameRevisions;

	private final BackendListener target;

	InvalidatingListener(CachingBackend cache, boolean sameRevisions, BackendListener target) {
		this.cache = cache;
		this.sameRevisions = sameRevisions;
		this.target = target;
	}

	@Override
	public void onRemoteCommit(RemoteCommit commit) {
		for (Change change : commit.changes()) {
			this.cache.invalidate(change.path());
		}
		this.target.onRemoteCommit(commit);
	}

	@Override
	public @Nullable String instanceId() {
		return this.target.instanceId();
	}

	@Override
	public void onResync() {
		this.cache.invalidateAll();
		this.target.onResync();
	}

	@Override
	public void onRevisionMovedBack(long revision) {
		this.cache.invalidateAll();
		if (this.sameRevisions) {
			this.target.onRevisionMovedBack(revision);
		}
		else {
			this.target.onResync();
		}
	}

}
