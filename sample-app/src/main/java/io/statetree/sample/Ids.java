package io.statetree.sample;

import java.util.regex.Pattern;

/**
 * Checks the ids that become path segments.
 */
final class Ids {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private Ids() {
	}

	/**
	 * Checks an id: 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter
	 * or a digit.
	 * @param what what the id names, for the message
	 * @param id the id
	 * @return the id
	 * @throws IllegalArgumentException naming the id and the rule
	 */
	static String require(String what, String id) {
		if (!ID.matcher(id).matches()) {
			throw new IllegalArgumentException("Invalid " + what + " '" + id
					+ "': use 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or a digit");
		}
		return id;
	}

}
