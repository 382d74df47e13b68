package io.statetree.core.backend;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The byte form of one commit in the {@link HistoryLog} of a {@link FileSystemBackend} (DESIGN
 * §11): a frame (body length, revision, CRC-32 of the body, CRC-32 of those 16 bytes; all
 * big-endian) followed by
 * a compact UTF-8 JSON body
 * {@code {"revision":7,"time":"…Z","origin":"…","actor":"…","causedBy":3,"expiry":true,"changes":[{"path":["a","b"],"old":…,"new":…}]}}
 * ({@code actor}, {@code old} and {@code new} left out when {@code null}, {@code expiry} when
 * {@code false}: a log written before expiry commits existed reads as it did). Values go through
 * {@link JsonText}'s exact-number JSON whatever the backend's file format, so a
 * {@code BigDecimal} reads back as that {@code BigDecimal}; a path is its list of segments, so
 * no character of a segment needs escaping. Stateless and thread-safe.
 */
final class HistoryRecord {

	/** Bytes before the body: length (int), revision (long), body checksum (int), frame checksum (int). */
	static final int FRAME = 20;

	private static final JsonMapper MAPPER = JsonText.storedJsonMapper().build();

	private HistoryRecord() {
	}

	/**
	 * Encodes a commit with its frame.
	 * @param commit the commit
	 * @return the framed bytes
	 */
	static byte[] encode(Commit commit) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("revision", commit.revision());
		body.put("time", commit.time().toString());
		body.put("origin", commit.origin());
		if (commit.actor() != null) {
			body.put("actor", commit.actor());
		}
		body.put("causedBy", commit.causedBy());
		if (commit.expiry()) {
			body.put("expiry", true);
		}
		List<Object> changes = new ArrayList<>(commit.changes().size());
		for (ChangedPath change : commit.changes()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("path", change.path().segments());
			if (change.oldValue() != null) {
				entry.put("old", change.oldValue());
			}
			if (change.newValue() != null) {
				entry.put("new", change.newValue());
			}
			changes.add(entry);
		}
		body.put("changes", changes);
		byte[] json = MAPPER.writeValueAsBytes(body);
		ByteBuffer framed = ByteBuffer.allocate(FRAME + json.length);
		framed.putInt(json.length);
		framed.putLong(commit.revision());
		framed.putInt(checksum(json, 0, json.length));
		framed.putInt(checksum(framed.array(), 0, FRAME - 4));
		framed.put(json);
		return framed.array();
	}

	/**
	 * The history's view of a commit: the changed paths with their values before and after
	 * (entries the commit wrote without changing them are left out, unless all are: an unreadable
	 * file replaced by what reads the same is still a change).
	 * @param revision the commit's revision
	 * @param time when it was made
	 * @param request the request, for origin and actor
	 * @param changes the backend's changes, one per written path
	 * @return the commit
	 */
	static Commit commit(long revision, Instant time, CommitRequest request, List<Change> changes) {
		List<ChangedPath> changed = new ArrayList<>(changes.size());
		for (Change change : changes) {
			if (!ValueEquality.equal(change.oldValue(), change.newValue())) {
				changed.add(new ChangedPath(change.path(), change.oldValue(), change.newValue()));
			}
		}
		if (changed.isEmpty()) {
			for (Change change : changes) {
				changed.add(new ChangedPath(change.path(), change.oldValue(), change.newValue()));
			}
		}
		return new Commit(revision, time, request.origin(), request.actor(), changed, request.causedBy(),
				request.expiry());
	}

	/**
	 * A CRC-32 (a body's, or a frame's first 16 bytes').
	 * @param bytes the bytes
	 * @param offset where to start
	 * @param length how many
	 * @return the low 32 bits of the CRC
	 */
	static int checksum(byte[] bytes, int offset, int length) {
		CRC32 crc = new CRC32();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	/**
	 * Tells whether a frame is whole and sound: its own checksum matches and its length is not
	 * negative.
	 * @param frame the {@value #FRAME} bytes
	 * @return whether the length and revision can be trusted
	 */
	static boolean soundFrame(ByteBuffer frame) {
		return frame.getInt(0) >= 0 && checksum(frame.array(), 0, FRAME - 4) == frame.getInt(16);
	}

	/**
	 * Decodes a record's body (its frame already checked).
	 * @param revision the revision of the frame
	 * @param body the JSON body
	 * @return the commit
	 * @throws IllegalArgumentException when the body is not a history record of that revision (the
	 * caller names the file; the message never quotes the content)
	 */
	static Commit decode(long revision, byte[] body) {
		Object value;
		try (JsonParser parser = MAPPER.createParser(body)) {
			value = JsonText.readStored(parser);
		}
		catch (JacksonException | StateException ex) {
			throw new IllegalArgumentException("its JSON cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw new IllegalArgumentException("it is not a JSON object");
		}
		if (!(map.get("revision") instanceof Number number) || number.longValue() != revision) {
			throw new IllegalArgumentException("its revision does not match its frame");
		}
		Instant time;
		try {
			time = Instant.parse(text(map, "time", false));
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("its time is not an instant");
		}
		String origin = text(map, "origin", false);
		String actor = text(map, "actor", true);
		if (!(map.get("changes") instanceof List<?> entries)) {
			throw new IllegalArgumentException("it has no list of changes");
		}
		List<ChangedPath> changes = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			if (!(entry instanceof Map<?, ?> change) || !(change.get("path") instanceof List<?> segments)) {
				throw new IllegalArgumentException("a change has no path");
			}
			List<String> names = new ArrayList<>(segments.size());
			for (Object segment : segments) {
				if (!(segment instanceof String name)) {
					throw new IllegalArgumentException("a change's path holds a non-string segment");
				}
				names.add(name);
			}
			StatePath path;
			try {
				path = StatePath.ofSegments(names);
			}
			catch (StateException ex) {
				throw new IllegalArgumentException("a change's path is not a valid path");
			}
			changes.add(new ChangedPath(path, change.get("old"), change.get("new")));
		}
		long causedBy = (map.get("causedBy") instanceof Number cause) ? cause.longValue() : 0;
		Object expiry = map.get("expiry");
		if (expiry != null && !(expiry instanceof Boolean)) {
			throw new IllegalArgumentException("its expiry flag is not a boolean");
		}
		return new Commit(revision, time, origin, actor, changes, causedBy, Boolean.TRUE.equals(expiry));
	}

	private static @Nullable String text(Map<?, ?> map, String key, boolean optional) {
		Object value = map.get(key);
		if (value instanceof String s) {
			return s;
		}
		if (value == null && optional) {
			return null;
		}
		throw new IllegalArgumentException("its " + key + " is not a string");
	}

}
