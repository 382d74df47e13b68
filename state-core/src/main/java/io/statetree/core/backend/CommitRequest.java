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
 */
public record CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin,
		@Nullable String actor, long causedBy) {

	/**
	 * Copies the lists.
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 * @param actor the actor
	 * @param causedBy the causing revision
	 */
	public CommitRequest {
		writes = List.copyOf(writes);
		preconditions = List.copyOf(preconditions);
	}

	/**
	 * A request with no actor, made outside any listener.
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 */
	public CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin) {
		this(writes, preconditions, origin, null, 0);
	}

}
