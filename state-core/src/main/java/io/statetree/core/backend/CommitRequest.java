package io.statetree.core.backend;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a backend commits atomically: writes applied in order, after checking preconditions.
 *
 * @param writes the writes, applied in order; a path may appear several times
 * @param preconditions checked first; if any fails the backend throws
 * {@link PreconditionFailedException} and changes nothing
 * @param origin the id of the instance making the commit
 * @param actor who makes the change ({@code WriteOptions.actor}), {@code null} when unknown; a
 * backend that keeps a {@link CommitHistory} records it with the commit
 * @param causedBy the revision of the commit whose listener or effect made this one, {@code 0}
 * when a caller outside any listener wrote; recorded like the actor
 * @param expiry {@code true} for an expiry commit (DESIGN §12): the deletion of an entry whose time
 * to live ran out or whose instance is gone; its events say {@code StateEvent.isExpiry()} and a
 * backend that keeps a {@link CommitHistory} records the flag with the commit
 * @param depth how many rounds of listener writes led to this commit ({@code 0} for a write made
 * outside any listener): a shared backend hands it to the other instances with the commit
 * ({@link RemoteCommit#depth()}), so the cascade guard (DESIGN §5) holds across instances
 */
public record CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin,
		@Nullable String actor, long causedBy, boolean expiry, int depth) {

	/**
	 * Copies the lists.
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 * @param actor the actor
	 * @param causedBy the causing revision
	 * @param expiry whether it is an expiry commit
	 * @param depth the cascade depth, at least 0
	 */
	public CommitRequest {
		writes = List.copyOf(writes);
		preconditions = List.copyOf(preconditions);
		if (depth < 0) {
			throw new IllegalArgumentException("depth must not be negative, got " + depth);
		}
	}

	/**
	 * A request made outside any listener (cascade depth 0).
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 * @param actor the actor, or {@code null}
	 * @param causedBy the causing revision, or 0
	 * @param expiry whether it is an expiry commit
	 */
	public CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin, @Nullable String actor,
			long causedBy, boolean expiry) {
		this(writes, preconditions, origin, actor, causedBy, expiry, 0);
	}

	/**
	 * A request that is not an expiry commit.
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 * @param actor the actor, or {@code null}
	 * @param causedBy the causing revision, or 0
	 */
	public CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin, @Nullable String actor,
			long causedBy) {
		this(writes, preconditions, origin, actor, causedBy, false, 0);
	}

	/**
	 * A request with no actor, made outside any listener.
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 */
	public CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin) {
		this(writes, preconditions, origin, null, 0, false, 0);
	}

}
