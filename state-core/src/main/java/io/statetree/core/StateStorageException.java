package io.statetree.core;

/**
 * The storage behind a backend failed: an unreadable or unparsable file, an unreachable server.
 * The message names the resource (file, connection) involved.
 */
public class StateStorageException extends StateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message which resource and what failed
	 */
	public StateStorageException(String message) {
		super(message);
	}

	/**
	 * Creates the exception.
	 * @param message which resource and what failed
	 * @param cause the underlying failure
	 */
	public StateStorageException(String message, Throwable cause) {
		super(message, cause);
	}

}
