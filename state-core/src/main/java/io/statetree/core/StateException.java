package io.statetree.core;

/**
 * Base class of every exception StateTree throws on purpose. Unchecked.
 */
public class StateException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong, naming the input and the reason
	 */
	public StateException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong, naming the input and the reason
	 * @param cause the underlying failure
	 */
	public StateException(String message, Throwable cause) {
		super(message, cause);
	}

}
