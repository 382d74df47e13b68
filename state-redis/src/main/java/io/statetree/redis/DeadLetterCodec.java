package io.statetree.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.DeadLetterRecord;
import org.jspecify.annotations.Nullable;

/**
 * Writes a dead letter as one line of JSON for {@code groups.lua} and reads it back (the id, the
 * group and the partition are kept beside it, not in it). The event's values travel as stored
 * values, with the commit's actor, cause and expiry flag, so a redelivery needs no history.
 */
final class DeadLetterCodec {

	private DeadLetterCodec() {
	}

	/**
	 * Writes a dead letter's fields but its id, group and partition.
	 * @param letter the dead letter
	 * @return one line of JSON
	 */
	static String encode(DeadLetterRecord letter) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("key", letter.key());
		fields.put("revision", letter.revision());
		fields.put("path", letter.path().toString());
		fields.put("emittingPath", letter.emittingPath().toString());
		if (letter.oldValue() != null) {
			fields.put("oldValue", letter.oldValue());
		}
		if (letter.newValue() != null) {
			fields.put("newValue", letter.newValue());
		}
		fields.put("origin", letter.origin());
		fields.put("attempts", letter.attempts());
		fields.put("error", letter.error());
		fields.put("parkedAtMillis", letter.parkedAtMillis());
		if (letter.actor() != null) {
			fields.put("actor", letter.actor());
		}
		if (letter.causedBy() != 0) {
			fields.put("causedBy", letter.causedBy());
		}
		if (letter.expiry()) {
			fields.put("expiry", true);
		}
		return TreeCodec.payloadJson(fields);
	}

	/**
	 * Reads a dead letter written by {@link #encode}; one written before the actor, the cause and
	 * the expiry flag were kept reads with {@code null}, {@code 0} and {@code false}.
	 * @param id its id
	 * @param group its group
	 * @param partition its partition
	 * @param json the JSON
	 * @return the dead letter
	 * @throws StateStorageException naming the group and id when the JSON is not a dead letter's
	 */
	static DeadLetterRecord decode(String id, String group, int partition, String json) {
		String where = "dead letter " + id + " of group '" + group + "'";
		if (!(TreeCodec.parseJson(json, where) instanceof Map<?, ?> fields)) {
			throw new StateStorageException("Unreadable " + where + " in Redis: not a JSON object");
		}
		try {
			return new DeadLetterRecord(id, group, partition, text(fields, "key"), number(fields, "revision"),
					StatePath.of(text(fields, "path")), StatePath.of(text(fields, "emittingPath")),
					fields.get("oldValue"), fields.get("newValue"), text(fields, "origin"),
					(int) number(fields, "attempts"), text(fields, "error"), number(fields, "parkedAtMillis"),
					(String) fields.get("actor"), (fields.get("causedBy") instanceof Number n) ? n.longValue() : 0,
					Boolean.TRUE.equals(fields.get("expiry")));
		}
		catch (RuntimeException ex) {
			throw new StateStorageException("Unreadable " + where + " in Redis: " + ex.getClass().getSimpleName(), ex);
		}
	}

	private static String text(Map<?, ?> fields, String name) {
		return (String) required(fields, name);
	}

	private static long number(Map<?, ?> fields, String name) {
		return ((Number) required(fields, name)).longValue();
	}

	private static Object required(Map<?, ?> fields, String name) {
		@Nullable Object value = fields.get(name);
		if (value == null) {
			throw new IllegalStateException("field " + name + " is missing");
		}
		return value;
	}

}
