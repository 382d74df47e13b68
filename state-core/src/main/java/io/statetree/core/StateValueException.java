package io.statetree.core;

/**
 * A value could not be converted to or from StateTree's JSON model: Jackson cannot map it (a
 * cycle, a {@code Thread}), it breaks a rule of the model (NaN or an infinity, a number beyond
 * JSON's read limits, nesting deeper than the path limit allows), or a stored value cannot be
 * read as the requested type. Nothing was written. The message names the path and the reason,
 * never the value.
 */
public class StateValueException extends StateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message which value and why
	 * @param cause the underlying failure
	 */
	public StateValueException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates the exception.
	 * @param message which value and why
	 */
	public StateValueException(String message) {
		super(message);
	}

}
