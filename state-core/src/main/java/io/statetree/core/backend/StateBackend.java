package io.statetree.core.backend;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.statetree.core.StatePath;
import io.statetree.core.Versioned;
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
	 * Reads a subtree together with the revision it reflects, from one consistent snapshot
	 * (DESIGN §11, {@code getVersioned}). A backend that returns {@code null} (the default) is read
	 * by the controller under its commit lock, which is consistent when this controller is the
	 * only writer; a shared backend must override it.
	 * @param path the path to read
	 * @return the value and its revision, or {@code null} when this backend leaves it to the
	 * controller
	 * @throws io.statetree.core.StateStorageException if the storage cannot be read
	 */
	default @Nullable Versioned<@Nullable Object> readVersioned(StatePath path) {
		return null;
	}

	/**
	 * The history capability: a backend that keeps its own history of commits returns it; the
	 * default {@code null} makes the controller keep the last {@code historySize} commits in
	 * memory.
	 * @return the backend's commit history, or {@code null}
	 */
	default @Nullable CommitHistory history() {
		return null;
	}

	/**
	 * Returns the durable progress of group listeners (DESIGN §13), when this backend keeps it.
	 * The default {@code null} makes the controller keep it in memory for a backend that is not
	 * {@linkplain #isShared() shared} (lost with the process) and refuse group subscriptions on a
	 * shared one.
	 * @return the capability, or {@code null}
	 */
	default @Nullable ConsumerGroups consumerGroups() {
		return null;
	}

	/**
	 * The lifetime capability (DESIGN §12): a backend that keeps time to live and ephemeral entries
	 * ({@link Write#lifetime()}) returns it. With the default {@code null} the controller refuses
	 * writes with a lifetime.
	 * @return the capability, or {@code null} (the same answer on every call)
	 */
	default @Nullable ExpiringEntries expiringEntries() {
		return null;
	}

	/**
	 * The counter capability (DESIGN §19, {@code increment}): adds {@code delta} to the integer
	 * at {@code path} (an absent value counts as 0) in one atomic commit, without a retry loop
	 * (one script call on Redis). The default {@code null} makes the controller read, add and
	 * commit under its lock (with a precondition on a shared backend).
	 * @param path the counter's path
	 * @param delta what to add, may be negative
	 * @param context origin, actor and causing revision of the commit; its writes and
	 * preconditions are empty
	 * @return the commit's result (one change at {@code path}), or {@code null} when this backend
	 * leaves it to the controller
	 * @throws io.statetree.core.StateWriteException when the value there is not an integer, the
	 * sum overflows a {@code long}, or the path is below a leaf; nothing is written then
	 */
	default @Nullable CommitResult increment(StatePath path, long delta, CommitRequest context) {
		return null;
	}

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
	 * Reads the subtree at a path without holding the caller's thread while the storage answers
	 * (DESIGN §15). The default runs {@link #read} on the calling thread and returns a completed
	 * future; a backend with a non-blocking client overrides it and reports so through
	 * {@link #isNonBlocking()}.
	 * @param path the path
	 * @return a future of the immutable value ({@code null} when absent); it completes
	 * exceptionally with the exceptions {@link #read} throws, never throws itself
	 */
	default CompletableFuture<@Nullable Object> readAsync(StatePath path) {
		try {
			return CompletableFuture.completedFuture(read(path));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Commits writes atomically without holding the caller's thread while the storage answers
	 * (DESIGN §15): the same contract as {@link #commit}, its failures delivered through the
	 * future. The default runs {@link #commit} on the calling thread. A non-blocking override may
	 * complete the future on its client's I/O thread, so whoever continues from it must not
	 * block there; it may have several commits in flight at once, each applied atomically and
	 * given its own revision in the order the storage applies them.
	 * @param request the writes and preconditions
	 * @return a future of the revision and the changes; it completes exceptionally with the
	 * exceptions {@link #commit} throws, never throws itself
	 */
	default CompletableFuture<CommitResult> commitAsync(CommitRequest request) {
		try {
			return CompletableFuture.completedFuture(commit(request));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Whether {@link #readAsync} and {@link #commitAsync} are non-blocking: they return before the
	 * storage answers and hold no thread while it does. {@code false} by default: the controller
	 * then runs blocking backends' asynchronous calls on its executor.
	 * @return {@code true} for a backend with a non-blocking client
	 */
	default boolean isNonBlocking() {
		return false;
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
	 * Refuses, without writing anything, a commit that {@link #commit} would refuse with the state
	 * as it is now: throws what {@code commit} would throw for a failed precondition or a write it
	 * does not allow. A backend in front of several others (a hybrid) calls it on each of them
	 * before it writes to the first, so that a refusal cannot come after part of a commit is
	 * written. The default checks the preconditions and the rules of the value model (a leaf at
	 * the root, a write below a leaf); a backend with rules of its own (file size limits, names)
	 * overrides it. On a shared backend another instance may change the state between this check
	 * and the commit.
	 * @param request the writes and preconditions, as they would be given to {@link #commit}
	 * @throws io.statetree.core.StateWriteException if a write is not allowed
	 * @throws PreconditionFailedException if a precondition fails
	 * @throws io.statetree.core.StateStorageException if the storage cannot be read
	 */
	default void checkCommit(CommitRequest request) {
		CommitChecks.check(this, request);
	}

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
	 * Asks a shared backend to bring its change feed up to a revision now (DESIGN §5: a local
	 * commit is delivered after every earlier revision, whichever instance made it). The
	 * controller calls it when a local commit has waited a few milliseconds for an earlier
	 * revision the feed has not delivered, on the committing thread, outside its locks. The
	 * backend reads the commits its feed has not read yet directly from storage and hands them to
	 * its {@link BackendListener} in order, as its feed would have; commits that are gone
	 * (trimmed away) are reported with one {@link BackendListener#onResync()}. Blocks at most a
	 * few seconds; safe to call from several threads at once; never throws.
	 * @param revision the revision to deliver up to; entries of later revisions read on the way are
	 * delivered too
	 * @return {@code true} when nothing more up to that revision will come by waiting: delivered,
	 * reported gone, or the feed cannot deliver now (stopped, or this is its own thread);
	 * {@code false} when it is not done yet (its time ran out): the controller keeps waiting and
	 * asks again. The default {@code false} (a backend that does not override this method) means
	 * the backend cannot catch up, and the controller waits for its feed up to one second
	 */
	default boolean catchUpFeed(long revision) {
		return false;
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
	 * Tells whether the revisions of this backend's own commits ({@link #commit}) and those its
	 * feed delivers ({@link BackendListener}) are numbered in one space, where a revision only
	 * increases: on a {@linkplain #isShared() shared} backend a commit given a revision at or below
	 * one already seen then means the storage moved back (Redis came back empty, DESIGN §18), and
	 * the controller treats it so. {@code true} by default, as for a store (memory, files, Redis);
	 * a backend that numbers its commits apart from the revisions of the shared backends behind it
	 * returns {@code false} (a {@link HybridBackend} with a shared root or mount: each shared
	 * backend's feed reports its own moves back), and one that wraps a single backend answers as
	 * it does ({@link CachingBackend}). Thread-safe; may change when a hybrid mounts or unmounts a
	 * shared backend, as {@link #isShared()} does.
	 * @return {@code false} when a commit's revision at or below one seen before is no sign of a
	 * move back
	 */
	default boolean hasOneRevisionSpace() {
		return true;
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
