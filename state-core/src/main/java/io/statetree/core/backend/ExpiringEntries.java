package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The capability of a backend that keeps lifetimes ({@link Write#lifetime()}, DESIGN §12): time to
 * live and ephemeral entries. Returned by {@link StateBackend#expiringEntries()}.
 * <p>
 * The backend stores each lifetime with its value, applies the rules of {@link Write#lifetime()}
 * in every commit, and hides from every read (including {@code readVersioned},
 * {@code childNames} and a {@link SnapshotStore}'s snapshot) a value whose time to live ran out,
 * before the deletion is committed. The deletions themselves are expiry commits
 * ({@link CommitRequest#expiry()}): a local backend lists what is {@link #due()} and the
 * controller deletes each entry with its own commit under its commit lock (before any other commit
 * once something is due, and on its own timer within one second of the due time); a shared backend
 * (Redis) makes the expiry commits itself, exactly once across instances, and returns an empty
 * {@code due()} list. Times are measured on a monotonic clock (a shared backend: its server's).
 * <p>
 * Implementations are thread-safe.
 */
public interface ExpiringEntries {

	/**
	 * Returns how long the value at a path has left: the earliest due time among the time to live
	 * at the path and those of its ancestors (a time to live on a branch covers its subtree).
	 * @param path the path
	 * @return the remaining duration (at least 1 ms), or {@code null} when no time to live covers
	 * the path, the path is absent, or it is already due; ephemeral entries have none
	 * @throws io.statetree.core.StateStorageException if the storage cannot be read
	 */
	@Nullable Duration timeToLive(StatePath path);

	/**
	 * Returns a stamp of the time to live {@link #timeToLive} counts down to at a path, for a
	 * controller to check a value it remembered from {@code timeToLive} (a computed value's) against
	 * writes it never hears of: on a shared backend another instance's write that leaves the value
	 * equal restarts, gives or clears a lifetime without a commit (no revision, nothing on the change
	 * feed). Two stamps of a path differ when a write changed that lifetime between them (the passing
	 * of time changes none); they are compared, never interpreted.
	 * <p>
	 * A backend whose lifetimes change only through the commits of the controller in front of it
	 * (every local backend) needs no stamp: the controller hears each of its writes. The default
	 * returns {@code 0} whatever the lifetime.
	 * @param path the path
	 * @return the stamp
	 * @throws io.statetree.core.StateStorageException if the storage cannot be read
	 */
	default long lifetimeStamp(StatePath path) {
		return 0;
	}

	/**
	 * Returns how long until the next entry falls due, for the controller's timer. Cheap: the
	 * controller asks before every commit.
	 * @return nanoseconds, {@code 0} when one is due now, {@link Long#MAX_VALUE} when none is (a
	 * backend that expires entries itself always returns {@link Long#MAX_VALUE})
	 */
	long nanosUntilNextDue();

	/**
	 * Like {@link #nanosUntilNextDue()}, asked by the controller under its commit lock right before
	 * a commit it makes on this thread. A backend that reads its clock to answer may keep that
	 * reading and count the times to live of the writes of the commits this thread makes next from
	 * it (one clock reading per commit instead of two), until {@link #commitEnded()} on this thread.
	 * Added with a default (a plain {@link #nanosUntilNextDue()}), so existing backends are unaffected.
	 * @return as {@link #nanosUntilNextDue()}
	 */
	default long nanosUntilNextDueBeforeCommit() {
		return nanosUntilNextDue();
	}

	/**
	 * Ends what {@link #nanosUntilNextDueBeforeCommit()} began on this thread: a commit made after
	 * it reads the clock afresh. The controller calls it after the commit it asked before, whether
	 * the commit was made, wrote nothing, or failed. Cheap; throws nothing. The default does nothing.
	 */
	default void commitEnded() {
	}

	/**
	 * Lists the entries due now, for the controller to delete, each with its own expiry commit: the
	 * time to live entries that ran out and, on a backend that keeps lifetimes across restarts, the
	 * ephemeral entries whose instance is gone (on the filesystem, those written before the last
	 * crash). No path in the list is below another.
	 * @return the paths, empty when nothing is due or the backend expires entries itself
	 */
	List<StatePath> due();

	/**
	 * Lists the ephemeral entries an instance holds, which its controller deletes when it closes.
	 * @param owner the instance id
	 * @return the paths, none below another
	 */
	List<StatePath> ephemeral(String owner);

	/**
	 * Removes from a value read at a path the parts that are due now, for a backend in front of
	 * this one (a cache) that reads its own copy of the tree.
	 * @param path where the value was read
	 * @param value the value read there, or {@code null}
	 * @return the value without what is due ({@code null} when the path itself or an ancestor is
	 * due), the same instance when nothing is due
	 */
	@Nullable Object withoutDue(StatePath path, @Nullable Object value);

	/**
	 * Returns every lifetime the backend keeps: a time to live with the time left, an ephemeral
	 * entry with its owner. For a cache that seeds its own copy, and for tests.
	 * @return an unmodifiable map, paths in no particular order
	 */
	Map<StatePath, Lifetime> lifetimes();

}
