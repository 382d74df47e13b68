package io.statetree.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One retained commit of the history (DESIGN §11): what {@link StateController#history} returns
 * and what {@code watch(pattern, afterRevision)} replays.
 *
 * <p>Immutable and thread-safe.
 * @param revision the commit's revision (revisions increase by one per commit: per controller in
 * memory and on files, per namespace on Redis)
 * @param time when the backend committed it (millisecond precision at least)
 * @param origin the id of the instance that made the commit ({@link StateController#instanceId()})
 * @param actor who made the change ({@link WriteOptions#actor(String)}; in Spring Boot the
 * authenticated principal's name by default), {@code null} when unknown
 * @param changes the paths whose value changed, in the order they were written; never empty
 * @param causedBy the revision of the commit whose listener or effect made this one
 * ({@link StateEvent#causedBy()}), {@code 0} when a caller outside any listener wrote or when
 * the history does not know
 * @param expiry {@code true} for an expiry commit (DESIGN §12): the deletion of a value whose time
 * to live ran out or whose instance is gone ({@link StateEvent#isExpiry()})
 */
public record Commit(long revision, Instant time, String origin, @Nullable String actor, List<ChangedPath> changes,
		long causedBy, boolean expiry) {

	public Commit {
		Objects.requireNonNull(time, "time");
		Objects.requireNonNull(origin, "origin");
		changes = List.copyOf(changes);
	}

	/**
	 * A commit that is not an expiry commit.
	 * @param revision the revision
	 * @param time when it was committed
	 * @param origin the instance that made it
	 * @param actor who made it, or {@code null}
	 * @param changes the changed paths
	 * @param causedBy the causing revision, or 0
	 */
	public Commit(long revision, Instant time, String origin, @Nullable String actor, List<ChangedPath> changes,
			long causedBy) {
		this(revision, time, origin, actor, changes, causedBy, false);
	}

	/**
	 * A commit whose cause is not known ({@code causedBy} 0).
	 * @param revision the revision
	 * @param time when it was committed
	 * @param origin the instance that made it
	 * @param actor who made it, or {@code null}
	 * @param changes the changed paths
	 */
	public Commit(long revision, Instant time, String origin, @Nullable String actor, List<ChangedPath> changes) {
		this(revision, time, origin, actor, changes, 0, false);
	}

}
