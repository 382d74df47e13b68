package io.statetree.actuate;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.StateValueException;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the snapshot document a restore through the {@code statetree} endpoint sends (DESIGN §11):
 * <code>{"path": "/users", "revision": 12, "value": ...}</code>, as {@code GET ...?snapshot}
 * answers it. The whole document is read with the rules of a write (numbers keep their exact
 * text, keys are path segments, a key given twice is refused). A document holding the mask
 * ({@value StateTreeSanitizer#MASK}) or the too-deep marker anywhere in its value is refused: it
 * was downloaded masked, and restoring it would write the mask over the values it hides. Error
 * messages name the field and the reason, never a value.
 */
final class SnapshotDocument {

	private static final Set<String> FIELDS = Set.of("path", "revision", "value");

	private SnapshotDocument() {
	}

	/**
	 * Reads a snapshot document.
	 * @param jsonMapper creates the parser
	 * @param text the document
	 * @return the snapshot
	 * @throws Invalid if the text is not a snapshot that may be restored
	 */
	static StateSnapshot read(JsonMapper jsonMapper, String text) {
		Object document;
		try (JsonParser parser = jsonMapper.createParser(text)) {
			// Read as a write at the root: the envelope's keys are segments too, and the value
			// below "value" gets the rules of a write (checked again where it is written).
			document = StateValues.readForWrite(parser, StatePath.ROOT);
		}
		catch (StreamConstraintsException ex) {
			throw new Invalid("The snapshot breaks a JSON read limit: " + ex.getOriginalMessage());
		}
		catch (JacksonException ex) {
			// The parser's message may quote the text: leave it out.
			throw new Invalid("The snapshot is not a JSON document");
		}
		catch (InvalidPathException | StateValueException ex) {
			throw new Invalid("The snapshot's value cannot be stored: " + ex.getMessage());
		}
		if (!(document instanceof Map<?, ?> fields)) {
			throw new Invalid("The snapshot must be a JSON object with the fields path, revision and value");
		}
		if (!FIELDS.containsAll(fields.keySet())) {
			throw new Invalid("The snapshot has fields other than path, revision and value");
		}
		if (!(fields.get("path") instanceof String path)) {
			throw new Invalid("The snapshot's path is missing or not a string");
		}
		StatePath at;
		try {
			at = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			throw new Invalid("The snapshot's path is invalid: " + ex.getMessage());
		}
		long revision = revision(fields.get("revision"));
		Object value = fields.get("value");
		String masked = masked(value, at);
		if (masked != null) {
			throw new Invalid("The snapshot holds a masked value at " + masked + " (downloaded with values hidden): "
					+ "restoring it would write the mask over them");
		}
		return new StateSnapshot(at, revision, value);
	}

	private static long revision(@Nullable Object revision) {
		if (revision == null) {
			return 0;
		}
		if ((revision instanceof Integer || revision instanceof Long) && ((Number) revision).longValue() >= 0) {
			return ((Number) revision).longValue();
		}
		if (revision instanceof BigInteger) {
			throw new Invalid("The snapshot's revision is larger than a revision can be");
		}
		throw new Invalid("The snapshot's revision must be a whole number, 0 or more");
	}

	/**
	 * Finds the mask or the too-deep marker in a value.
	 * @return where the first one found is (the path, as text), or {@code null} when there is none
	 */
	static @Nullable String masked(@Nullable Object value, StatePath at) {
		ArrayDeque<String> below = new ArrayDeque<>();
		if (!findMask(value, below)) {
			return null;
		}
		StringBuilder location = new StringBuilder(at.isRoot() ? "" : at.toString());
		for (String segment : below) {
			location.append('/').append(segment);
		}
		return (location.length() > 0) ? location.toString() : "/";
	}

	/** Whether the value holds the mask; if so, {@code below} holds the segments down to it. */
	private static boolean findMask(@Nullable Object value, ArrayDeque<String> below) {
		if (value instanceof String text) {
			return StateTreeSanitizer.MASK.equals(text) || StateTreeAccess.TOO_DEEP.equals(text);
		}
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				below.addLast(String.valueOf(entry.getKey()));
				if (findMask(entry.getValue(), below)) {
					return true;
				}
				below.removeLast();
			}
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				below.addLast(Integer.toString(i));
				if (findMask(list.get(i), below)) {
					return true;
				}
				below.removeLast();
			}
		}
		return false;
	}

	/** A snapshot document that cannot be restored; the message names the reason. */
	static final class Invalid extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Invalid(String message) {
			super(message, null, false, false);
		}

	}

}
