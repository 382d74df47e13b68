package io.statetree.autoconfigure.tx;

/**
 * Counts batches that failed after their transaction committed (a Micrometer counter when
 * Micrometer is present, else nothing).
 */
@FunctionalInterface
interface FailedStateCommits {

	/** Counts nothing. */
	FailedStateCommits NONE = () -> {
	};

	/** Counts one failed batch. */
	void failed();

}
