package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A backend capability: the whole tree is one immutable snapshot behind an atomic root, so the
 * controller can read a batch or commit from one snapshot and, when nothing committed meanwhile,
 * publish the result it already computed instead of having the backend apply the writes again.
 * Obtained through {@link StateBackend#snapshotStore()}; the controller never tests a backend's
 * class.
 * <p>
 * Implement it only when taking a snapshot costs O(1) without copying and a commit against a
 * snapshot can be checked with one compare-and-set of the root: {@link InMemoryBackend} does.
 * Backends that store elsewhere (files, Redis) or that sit in front of other backends (hybrid,
 * caching) do not: their stored state is not one in-memory root, and bypassing their
 * {@link StateBackend#commit} would skip their own bookkeeping (write-behind, mounts, revisions).
 * <p>
 * Implementations must be thread-safe: {@link #snapshot()} must not block, and
 * {@link #commit} must be atomic like {@link StateBackend#commit}.
 */
public interface SnapshotStore {

	/**
	 * Returns the whole tree as one immutable snapshot, without copying.
	 * @return the root branch: an unmodifiable, insertion-ordered map of the JSON model
	 */
	Map<String, Object> snapshot();

	/**
	 * Commits writes whose result the caller already computed from a snapshot: when the root is
	 * still {@code base} (the same instance), {@code applied} is published without applying the
	 * writes again; otherwise the writes are committed as {@link StateBackend#commit} commits them.
	 * Preconditions are checked either way.
	 * @param request the writes and preconditions
	 * @param base a root returned by {@link #snapshot()}
	 * @param applied {@code base} with the request's writes applied, as
	 * {@link StateValues#applyToRoot} gives it
	 * @return the revision and the changes, with values before and after
	 * @throws PreconditionFailedException if a precondition failed; nothing was written
	 * @throws io.statetree.core.StateWriteException if a write is not allowed; nothing was written
	 */
	CommitResult commit(CommitRequest request, Map<String, Object> base, Map<String, Object> applied);

	/**
	 * Like {@link #commit(CommitRequest, Map, Map)}, with the changes the caller recorded while it
	 * applied the writes to {@code base}, so that a store may report them instead of comparing the
	 * two roots again. The default ignores them. The controller passes them only when they are
	 * exactly what {@link StateValues#changes StateValues.changes(base, applied, writes)} would give
	 * (one write per path, no written path at, above or below another).
	 * @param request the writes and preconditions
	 * @param base a root returned by {@link #snapshot()}
	 * @param applied {@code base} with the request's writes applied
	 * @param changes the changes between {@code base} and {@code applied}, one per write, in the
	 * writes' order; null when the caller did not record them
	 * @return the revision and the changes, with values before and after
	 * @throws PreconditionFailedException if a precondition failed; nothing was written
	 * @throws io.statetree.core.StateWriteException if a write is not allowed; nothing was written
	 */
	default CommitResult commit(CommitRequest request, Map<String, Object> base, Map<String, Object> applied,
			@Nullable List<Change> changes) {
		return commit(request, base, applied);
	}

}
