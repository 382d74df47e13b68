package io.statetree.core;

/**
 * A write was refused and nothing was changed: for example a write below a leaf, or a value
 * that is not allowed at the root.
 */
public class StateWriteException extends StateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what was refused and why
	 */
	public StateWriteException(String message) {
		super(message);
	}

	/**
	 * Creates the exception.
	 * @param message what was refused and why
	 * @param cause the underlying failure
	 */
	public StateWriteException(String message, Throwable cause) {
		super(message, cause);
	}

}
