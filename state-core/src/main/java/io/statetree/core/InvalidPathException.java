package io.statetree.core;

/**
 * A path or pattern string was rejected, or an object key inside a written value that is not a
 * valid path segment (the input is then the path the key would have made). The message names the
 * input and the reason, control characters escaped.
 */
public class InvalidPathException extends StateException {

	private static final long serialVersionUID = 1L;

	private final String input;

	private final String reason;

	/**
	 * Creates the exception.
	 * @param input the rejected path or pattern, as given
	 * @param reason why it was rejected
	 */
	public InvalidPathException(String input, String reason) {
		super("Invalid path '" + printable(input) + "': " + reason);
		this.input = input;
		this.reason = reason;
	}

	/**
	 * Returns the rejected input, as given.
	 * @return the input
	 */
	public String getInput() {
		return this.input;
	}

	/**
	 * Returns why the input was rejected.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	private static String printable(String input) {
		StringBuilder sb = new StringBuilder(input.length());
		input.codePoints().forEach((cp) -> {
			if (Character.isISOControl(cp)) {
				sb.append(String.format("\\u%04x", cp));
			}
			else {
				sb.appendCodePoint(cp);
			}
		});
		return sb.toString();
	}

}
