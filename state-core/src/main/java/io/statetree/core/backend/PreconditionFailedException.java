package io.statetree.core.backend;

import io.statetree.core.StateException;
import io.statetree.core.StatePath;

/**
 * A commit's precondition no longer held (another writer got there first). Nothing was written.
 */
public class PreconditionFailedException extends StateException {

	private static final long serialVersionUID = 1L;

	private final transient StatePath path;

	/**
	 * Creates the exception.
	 * @param path the path whose value was not the expected one
	 */
	public PreconditionFailedException(StatePath path) {
		super("Value at " + path + " changed concurrently");
		this.path = path;
	}

	/**
	 * Returns the path whose value differed.
	 * @return the path
	 */
	public StatePath getPath() {
		return this.path;
	}

}
