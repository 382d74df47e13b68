package io.statetree.autoconfigure;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

import io.statetree.actuate.StateTreeSanitizer;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Finds what the actuator shows in place of a hidden value (the mask, or the marker of a value
 * nested too deep to show) in a snapshot document's value, so that a download with values hidden
 * is refused as {@code statetree.initial-state} as the endpoint's restore refuses it.
 */
final class MaskedValues {

	/** The marker the actuator shows for a value nested too deep (its {@code StateTreeAccess.TOO_DEEP}). */
	private static final String TOO_DEEP = "(nested too deep to show)";

	private MaskedValues() {
	}

	/**
	 * Finds the mask or the too-deep marker in a value.
	 * @param value the value
	 * @param at the path the value is at
	 * @return where the first one found is, or {@code null} when there is none
	 */
	static @Nullable String find(@Nullable Object value, StatePath at) {
		ArrayDeque<String> below = new ArrayDeque<>();
		if (!find(value, below)) {
			return null;
		}
		StringBuilder location = new StringBuilder(at.isRoot() ? "" : at.toString());
		for (String segment : below) {
			location.append('/').append(segment);
		}
		return (location.length() > 0) ? location.toString() : "/";
	}

	private static boolean find(@Nullable Object value, ArrayDeque<String> below) {
		if (value instanceof String text) {
			// MASK is a constant: reading it loads no actuator class
			return StateTreeSanitizer.MASK.equals(text) || TOO_DEEP.equals(text);
		}
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				below.addLast(String.valueOf(entry.getKey()));
				if (find(entry.getValue(), below)) {
					return true;
				}
				below.removeLast();
			}
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				below.addLast(Integer.toString(i));
				if (find(list.get(i), below)) {
					return true;
				}
				below.removeLast();
			}
		}
		return false;
	}

}
