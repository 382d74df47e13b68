package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Where the tree is stored. A backend only stores: the controller owns events, derivations and
 * revision bookkeeping.
 * <p>
 * Values crossing this interface are StateTree's immutable JSON model (see {@link StateValues}):
 * branches are unmodifiable insertion-ordered {@code Map<String, Object>}, arrays unmodifiable
 * {@code List<Object>}, leaves {@code String}, numbers or {@code Boolean}. Implementations must
 * be thread-safe.
 */
public interface StateBackend extends AutoCloseable {

	/**
	 * Reads the subtree at a path as one consistent snapshot.
	 * @param path the path
	 * @return the immutable value, or {@code null} when absent; the root always reads as a branch
	 * @throws io.statetree.core.StateStorageException if the storage cannot be read
	 */
	@Nullable Object read(StatePath path);

	/**
	 * Lists the names of a branch's children in order. Backends that can list names without
	 * reading values (files) override it; the default reads the subtree.
	 * @param path the path
	 * @return an unmodifiable list, empty for a leaf or an absent path
	 * @throws io.statetree.core.StateStorageException if the storage cannot be read
	 */
	default List<String> childNames(StatePath path) {
		return FileSystemBackend.childNamesOf(read(path));
	}

	/**
	 * Commits writes atomically: either all are applied or none. A commit that leaves every
	 * written path equal to its previous value should change nothing and not consume a revision
	 * (the controller ignores such commits either way).
	 * @param request the writes and preconditions
	 * @return the revision and the changes, with values before and after
	 * @throws io.statetree.core.StateWriteException if a write is not allowed (below a leaf, a
	 * non-branch at the root); nothing was written
	 * @throws PreconditionFailedException if a precondition failed; nothing was written
	 * @throws io.statetree.core.StateStorageException if the storage failed; nothing was written
	 */
	CommitResult commit(CommitRequest request);

	/**
	 * Returns the revision of the last commit.
	 * @return the revision, 0 when nothing was ever committed
	 */
	long revision();

	/**
	 * Tells the backend that a backend in front of it (a hybrid, a cache) is about to give a
	 * commit this revision. A backend that keeps its revision across restarts stores at least it
	 * before returning, so the revision the front backend starts from after a restart,
	 * {@link #revision()}, is never below a revision it gave out. Called before the commit's writes;
	 * the default does nothing.
	 * @param revision the revision about to be given out
	 * @throws io.statetree.core.StateStorageException if it cannot be stored; nothing was written
	 */
	default void reserveRevision(long revision) {
	}

	/**
	 * Sets who hears changes made by other instances. Only shared backends call it.
	 * @param listener the listener, or {@code null} to stop
	 */
	default void setBackendListener(@Nullable BackendListener listener) {
	}

	/**
	 * Returns this backend's snapshot capability, when the whole tree is one in-memory snapshot
	 * (see {@link SnapshotStore} for when to implement it). The controller then reads a batch from
	 * one snapshot and commits the result it computed. The default has none.
	 * @return the capability, or {@code null} (the same answer on every call)
	 */
	default @Nullable SnapshotStore snapshotStore() {
		return null;
	}

	/**
	 * Tells whether other instances may write to the same storage.
	 * @return {@code true} for shared backends (Redis)
	 */
	default boolean isShared() {
		return false;
	}

	/**
	 * Checks that the storage is reachable and writable, for health checks.
	 * @throws io.statetree.core.StateStorageException naming the resource when it is not
	 */
	default void check() {
	}

	/**
	 * Describes the backend for operators: its type and settings (no secrets).
	 * @return e.g. {@code {"type": "filesystem", "directory": "/var/state"}}
	 */
	default Map<String, Object> describe() {
		return Map.of("type", getClass().getSimpleName());
	}

	/**
	 * Describes the backend's shape for tools that walk a composed backend: its type and settings
	 * ({@link #describe()}), the backend behind it (a cache's delegate), the backends it is composed
	 * of (a hybrid's root and mounts) and its change feed's lag (a shared backend). Callers never
	 * need to know a backend's class. The default describes a store: no delegate, no mounts, no
	 * feed. Thread-safe, like the backend.
	 * @return a new description
	 */
	default BackendDescription description() {
		return BackendDescription.of(this);
	}

	/**
	 * Writes out anything buffered. A no-op for backends that do not buffer.
	 */
	default void flush() {
	}

	/**
	 * Flushes and releases resources. Idempotent.
	 */
	@Override
	default void close() {
	}

}
