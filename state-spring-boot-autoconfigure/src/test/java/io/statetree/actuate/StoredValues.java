package io.statetree.actuate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;

/**
 * Stores values the controller refuses to write (object keys that are not path segments, nesting
 * beyond the path limit) the way data written by an older version or another tool reaches a
 * controller: committed through the backend SPI, past the controller's write checks. A
 * {@link HistoryRecordingBackend} records the commit in its history, as a backend that keeps one
 * (files, Redis) does.
 */
final class StoredValues {

	static final String ORIGIN = "older-version";

	private StoredValues() {
	}

	/**
	 * Commits a value on the controller's backend without the controller's checks.
	 * @param controller the controller whose backend holds the value
	 * @param path where the value goes
	 * @param value the value: maps, lists and leaves, converted without any check
	 */
	static void store(StateController controller, String path, Object value) {
		controller.backend()
			.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), model(value))), List.of(), ORIGIN));
	}

	/** Converts maps and lists into the model's immutable forms, checking no key and no depth. */
	static Object model(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> children = new LinkedHashMap<>();
			map.forEach((key, child) -> children.put((String) key, model(child)));
			return StateValues.branch(children);
		}
		if (value instanceof List<?> list) {
			List<Object> elements = new ArrayList<>(list.size());
			list.forEach((element) -> elements.add((element != null) ? model(element) : null));
			return Collections.unmodifiableList(elements);
		}
		return value;
	}

	/** The key as error messages print it: control and format characters as {@code \\uXXXX}. */
	static String printable(String key) {
		StringBuilder sb = new StringBuilder(key.length() + 8);
		key.codePoints().forEach((cp) -> {
			if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
				sb.append(String.format("\\u%04x", cp));
			}
			else {
				sb.appendCodePoint(cp);
			}
		});
		return sb.toString();
	}

	/** Whether the controller accepts a key in an object it writes. */
	static boolean isSegment(String key) {
		try {
			StatePath.ROOT.child(key);
			return true;
		}
		catch (io.statetree.core.InvalidPathException ex) {
			return false;
		}
	}

}
