package io.statetree.core.backend;

import java.util.List;

/**
 * What a backend commits atomically: writes applied in order, after checking preconditions.
 *
 * @param writes the writes, applied in order; a path may appear several times
 * @param preconditions checked first; if any fails the backend throws
 * {@link PreconditionFailedException} and changes nothing
 * @param origin the id of the instance making the commit
 */
public record CommitRequest(List<Write> writes, List<Precondition> preconditions, String origin) {

	/**
	 * Copies the lists.
	 * @param writes the writes
	 * @param preconditions the preconditions
	 * @param origin the origin
	 */
	public CommitRequest {
		writes = List.copyOf(writes);
		preconditions = List.copyOf(preconditions);
	}

}
