package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * One change stream entry, as the commit and increment scripts append it (DESIGN §8, §11): the
 * fields {@code r} revision, {@code o} origin, {@code i} writing backend, {@code w} writes,
 * {@code b} previous values, and, only when given, {@code a} actor, {@code c} causing revision,
 * {@code n} the writing backend's commit number ({@link CommitIds}), {@code d} the cascade depth,
 * and {@code x} for an expiry commit (DESIGN §12): {@code 1} when a controller made it, {@code s}
 * when a script expired the entry on its own.
 * The commit time is the entry id's milliseconds: the Redis server's clock when the entry was
 * added. Read by the {@link ChangeFeed} and the {@link StreamHistory}.
 *
 * @param millis the commit time, epoch milliseconds (the id's first part)
 * @param revision the commit's revision
 * @param origin the instance that made the commit
 * @param instance the backend object that wrote the entry
 * @param actor who made the change, {@code null} when unknown
 * @param causedBy the revision whose listener made the commit, {@code 0} when none
 * @param writes the writes in "W" form
 * @param before the previous read forms of the distinct written paths, concatenated
 * @param expiry whether it is an expiry commit
 * @param swept whether a script made the expiry commit on its own (a sweep, or a commit script for
 * whichever instance ran it): no controller made it, so every instance's feed delivers it
 * @param counter the writing backend's commit number, {@code 0} when none
 * @param depth how many rounds of listener writes led to the commit, {@code 0} when none
 */
record StreamEntry(long millis, long revision, String origin, String instance, @Nullable String actor,
		long causedBy, String writes, String before, boolean expiry, boolean swept, long counter, int depth) {

	/**
	 * Reads an entry delivered by {@code XREAD}.
	 * @param record the record
	 * @return the entry
	 * @throws StateStorageException if a required field is missing or malformed
	 */
	static StreamEntry of(ByteRecord record) {
		Map<byte[], byte[]> map = record.getValue();
		List<byte[]> fields = new ArrayList<>(2 * map.size());
		for (Map.Entry<byte[], byte[]> field : map.entrySet()) {
			fields.add(field.getKey());
			fields.add(field.getValue());
		}
		return of(record.getId().getValue(), fields);
	}

	/**
	 * Reads an entry returned by a script: {@code {id, {field, value, ...}}}.
	 * @param reply the script's reply element
	 * @return the entry
	 * @throws StateStorageException if a required field is missing or malformed
	 */
	static StreamEntry of(Object reply) {
		if (!(reply instanceof List<?> pair) || pair.size() != 2 || !(pair.get(1) instanceof List<?> values)) {
			throw new StateStorageException("Unexpected change stream entry from Redis");
		}
		List<byte[]> fields = new ArrayList<>(values.size());
		for (Object value : values) {
			fields.add((value instanceof byte[] b) ? b : bytes(String.valueOf(value)));
		}
		return of(RedisCalls.string(pair.get(0)), fields);
	}

	private static StreamEntry of(String id, List<byte[]> fields) {
		byte[] revision = null;
		byte[] origin = null;
		byte[] instance = null;
		byte[] writes = null;
		byte[] before = null;
		byte[] actor = null;
		byte[] causedBy = null;
		byte[] expiry = null;
		byte[] counter = null;
		byte[] depth = null;
		for (int i = 0; i + 1 < fields.size(); i += 2) {
			byte[] name = fields.get(i);
			byte[] value = fields.get(i + 1);
			if (name.length != 1) {
				continue;
			}
			switch (name[0]) {
				case 'r' -> revision = value;
				case 'o' -> origin = value;
				case 'i' -> instance = value;
				case 'w' -> writes = value;
				case 'b' -> before = value;
				case 'a' -> actor = value;
				case 'c' -> causedBy = value;
				case 'x' -> expiry = value;
				case 'n' -> counter = value;
				case 'd' -> depth = value;
				default -> {
					// a field a later version added: ignored
				}
			}
		}
		int dash = id.indexOf('-');
		try {
			return new StreamEntry(Long.parseLong((dash < 0) ? id : id.substring(0, dash)),
					Long.parseLong(string(required(revision, "r", id))), string(required(origin, "o", id)),
					string(required(instance, "i", id)), (actor != null) ? string(actor) : null,
					(causedBy != null) ? Long.parseLong(string(causedBy)) : 0, string(required(writes, "w", id)),
					string(required(before, "b", id)), expiry != null, expiry != null && expiry.length == 1
							&& expiry[0] == 's', (counter != null) ? Long.parseLong(string(counter)) : 0,
					(depth != null) ? Integer.parseInt(string(depth)) : 0);
		}
		catch (NumberFormatException ex) {
			throw new StateStorageException("Change stream entry " + id + " has a malformed number", ex);
		}
	}

	/**
	 * Decodes the entry's changes: each distinct written path with its value before and after the
	 * commit, values with exact numbers ({@link TreeCodec}). Unchanged paths are included.
	 * @return the changes, in order of first write
	 * @throws StateStorageException if the entry cannot be decoded
	 */
	List<Change> changes() {
		List<Write> decoded = TreeCodec.decodeWrites(this.writes);
		LinkedHashSet<StatePath> distinct = new LinkedHashSet<>();
		for (Write write : decoded) {
			distinct.add(write.path());
		}
		return TreeCodec.changes(decoded, List.copyOf(distinct), this.before);
	}

	private static byte[] required(byte @Nullable [] value, String name, String id) {
		if (value == null) {
			throw new StateStorageException("Change stream entry " + id + " lacks field '" + name + "'");
		}
		return value;
	}

	private static String string(byte[] b) {
		return new String(b, StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		// the writes and previous values may hold secrets: never printed
		return "StreamEntry[revision " + this.revision + ", origin " + this.origin + "]";
	}

}
