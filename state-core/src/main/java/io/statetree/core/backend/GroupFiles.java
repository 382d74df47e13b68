package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files of one consumer group in {@code .statetree/groups} of a {@link FileSystemBackend}
 * ({@link FileConsumerGroups}), and their names. The progress file {@code g-<name>.json} holds
 * {@code {"group":…,"pattern":…,"partitions":16,"cursors":[…]}}; the letters file
 * {@code g-<name>.letters.json} holds {@code {"nextId":…,"cursors":[…],"letters":[…]}}, its
 * cursors moved by a dead letter parked with its revision's acknowledgement (one file, so one
 * atomic write), a partition's cursor being the higher of the two. Values go through
 * {@link JsonText}'s exact-number JSON, as in the history log. A group's name goes into the
 * file name reversibly and safely on case-insensitive file systems: {@code a-z 0-9 _ -} as they
 * are, an upper-case letter as {@code ^} and the letter in lower case, {@code .} as {@code ~}.
 * Stateless and thread-safe.
 */
final class GroupFiles {

	static final String PREFIX = "g-";

	static final String PROGRESS = ".json";

	static final String LETTERS = ".letters.json";

	/** The state of a dead letter on disk: waiting in the list, or moved back to its partition. */
	static final String PARKED = "parked";

	static final String REDELIVER = "redeliver";

	private static final JsonMapper MAPPER = JsonText.storedJsonMapper().build();

	private GroupFiles() {
	}

	/**
	 * The stem of a group's file names.
	 * @param group a valid group name
	 * @return {@code g-} and the encoded name
	 */
	static String stem(String group) {
		StringBuilder sb = new StringBuilder(PREFIX.length() + group.length() * 2).append(PREFIX);
		for (int i = 0; i < group.length(); i++) {
			char c = group.charAt(i);
			if (c >= 'A' && c <= 'Z') {
				sb.append('^').append((char) (c + ('a' - 'A')));
			}
			else if (c == '.') {
				sb.append('~');
			}
			else {
				sb.append(c);
			}
		}
		return sb.toString();
	}

	/**
	 * The group a progress file name stands for.
	 * @param fileName a file name in the folder
	 * @return the group's name, or {@code null} when the name is not a progress file's
	 */
	static @Nullable String groupOf(String fileName) {
		if (!fileName.startsWith(PREFIX) || !fileName.endsWith(PROGRESS) || fileName.endsWith(LETTERS)) {
			return null;
		}
		String encoded = fileName.substring(PREFIX.length(), fileName.length() - PROGRESS.length());
		StringBuilder sb = new StringBuilder(encoded.length());
		for (int i = 0; i < encoded.length(); i++) {
			char c = encoded.charAt(i);
			if (c == '^' && i + 1 < encoded.length() && encoded.charAt(i + 1) >= 'a' && encoded.charAt(i + 1) <= 'z') {
				sb.append((char) (encoded.charAt(++i) - ('a' - 'A')));
			}
			else if (c == '~') {
				sb.append('.');
			}
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
				sb.append(c);
			}
			else {
				return null;
			}
		}
		return (sb.length() >= 1 && sb.length() <= 100) ? sb.toString() : null;
	}

	// ---- the progress file ----

	/** What a progress file holds. */
	record Progress(String group, String pattern, long[] cursors) {
	}

	static byte[] encodeProgress(Progress progress) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("group", progress.group());
		body.put("pattern", progress.pattern());
		body.put("partitions", progress.cursors().length);
		body.put("cursors", longs(progress.cursors()));
		return MAPPER.writeValueAsBytes(body);
	}

	/**
	 * Reads a progress file.
	 * @param bytes its bytes
	 * @param partitions the store's partitions
	 * @return what it holds
	 * @throws IllegalArgumentException saying what is wrong (never quoting the content)
	 */
	static Progress decodeProgress(byte[] bytes, int partitions) {
		Map<?, ?> map = object(bytes);
		String group = text(map, "group");
		String pattern = text(map, "pattern");
		if (!(map.get("partitions") instanceof Number count) || count.longValue() != partitions) {
			throw new IllegalArgumentException("its number of partitions is not " + partitions);
		}
		return new Progress(group, pattern, cursors(map, partitions));
	}

	// ---- the letters file ----

	/** A dead letter on disk and whether it was moved back to its partition. */
	record Letter(DeadLetterRecord record, boolean redeliver) {
	}

	/** What a letters file holds. */
	record Letters(long nextId, long[] cursors, List<Letter> letters) {
	}

	static byte[] encodeLetters(Letters letters) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("nextId", letters.nextId());
		body.put("cursors", longs(letters.cursors()));
		List<Object> list = new ArrayList<>(letters.letters().size());
		for (Letter letter : letters.letters()) {
			DeadLetterRecord r = letter.record();
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("id", r.id());
			entry.put("state", letter.redeliver() ? REDELIVER : PARKED);
			entry.put("partition", r.partition());
			entry.put("key", r.key());
			entry.put("revision", r.revision());
			entry.put("path", r.path().segments());
			entry.put("emittingPath", r.emittingPath().segments());
			if (r.oldValue() != null) {
				entry.put("old", r.oldValue());
			}
			if (r.newValue() != null) {
				entry.put("new", r.newValue());
			}
			entry.put("origin", r.origin());
			entry.put("attempts", r.attempts());
			entry.put("error", r.error());
			entry.put("parkedAt", r.parkedAtMillis());
			if (r.actor() != null) {
				entry.put("actor", r.actor());
			}
			if (r.causedBy() != 0) {
				entry.put("causedBy", r.causedBy());
			}
			if (r.expiry()) {
				entry.put("expiry", true);
			}
			list.add(entry);
		}
		body.put("letters", list);
		return MAPPER.writeValueAsBytes(body);
	}

	/**
	 * Reads a letters file.
	 * @param bytes its bytes
	 * @param group the group's name
	 * @param partitions the store's partitions
	 * @return what it holds
	 * @throws IllegalArgumentException saying what is wrong (never quoting the content)
	 */
	static Letters decodeLetters(byte[] bytes, String group, int partitions) {
		Map<?, ?> map = object(bytes);
		if (!(map.get("nextId") instanceof Number nextId)) {
			throw new IllegalArgumentException("it has no next id");
		}
		if (!(map.get("letters") instanceof List<?> entries)) {
			throw new IllegalArgumentException("it has no list of letters");
		}
		List<Letter> letters = new ArrayList<>(entries.size());
		for (Object item : entries) {
			if (!(item instanceof Map<?, ?> entry)) {
				throw new IllegalArgumentException("a letter is not an object");
			}
			String state = text(entry, "state");
			if (!state.equals(PARKED) && !state.equals(REDELIVER)) {
				throw new IllegalArgumentException("a letter's state is neither parked nor redeliver");
			}
			int partition = (int) number(entry, "partition");
			if (partition < 0 || partition >= partitions) {
				throw new IllegalArgumentException("a letter's partition is out of range");
			}
			DeadLetterRecord record = new DeadLetterRecord(text(entry, "id"), group, partition, text(entry, "key"),
					number(entry, "revision"), path(entry, "path"), path(entry, "emittingPath"), entry.get("old"),
					entry.get("new"), text(entry, "origin"), (int) number(entry, "attempts"), text(entry, "error"),
					number(entry, "parkedAt"), optionalText(entry, "actor"), optionalNumber(entry, "causedBy"),
					Boolean.TRUE.equals(entry.get("expiry")));
			letters.add(new Letter(record, state.equals(REDELIVER)));
		}
		return new Letters(nextId.longValue(), cursors(map, partitions), letters);
	}

	// ---- parts ----

	private static Map<?, ?> object(byte[] bytes) {
		Object value;
		try (JsonParser parser = MAPPER.createParser(bytes)) {
			value = JsonText.readStored(parser);
		}
		catch (JacksonException | StateException ex) {
			throw new IllegalArgumentException("its JSON cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException("it is not a JSON object");
		}
		return map;
	}

	private static List<Long> longs(long[] values) {
		List<Long> list = new ArrayList<>(values.length);
		for (long value : values) {
			list.add(value);
		}
		return list;
	}

	private static long[] cursors(Map<?, ?> map, int partitions) {
		if (!(map.get("cursors") instanceof List<?> list) || list.size() != partitions) {
			throw new IllegalArgumentException("it has no list of " + partitions + " cursors");
		}
		long[] cursors = new long[partitions];
		for (int p = 0; p < partitions; p++) {
			if (!(list.get(p) instanceof Number number)) {
				throw new IllegalArgumentException("a cursor is not a number");
			}
			cursors[p] = number.longValue();
		}
		return cursors;
	}

	private static String text(Map<?, ?> map, String key) {
		if (map.get(key) instanceof String s) {
			return s;
		}
		throw new IllegalArgumentException("its " + key + " is not a string");
	}

	private static long number(Map<?, ?> map, String key) {
		if (map.get(key) instanceof Number n) {
			return n.longValue();
		}
		throw new IllegalArgumentException("its " + key + " is not a number");
	}

	/** A string field a file may lack (written by an older version): {@code null} then. */
	private static @Nullable String optionalText(Map<?, ?> map, String key) {
		return (map.get(key) == null) ? null : text(map, key);
	}

	/** A number field a file may lack (written by an older version): {@code 0} then. */
	private static long optionalNumber(Map<?, ?> map, String key) {
		return (map.get(key) == null) ? 0 : number(map, key);
	}

	private static StatePath path(Map<?, ?> map, String key) {
		if (!(map.get(key) instanceof List<?> segments)) {
			throw new IllegalArgumentException("its " + key + " is not a list of segments");
		}
		List<String> names = new ArrayList<>(segments.size());
		for (Object segment : segments) {
			if (!(segment instanceof String name)) {
				throw new IllegalArgumentException("its " + key + " holds a non-string segment");
			}
			names.add(name);
		}
		try {
			return StatePath.ofSegments(names);
		}
		catch (StateException ex) {
			throw new IllegalArgumentException("its " + key + " is not a valid path");
		}
	}

}
