package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateValueException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import io.statetree.core.internal.JsonText;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts between StateTree's value model and the text forms the Redis scripts use (see the
 * {@code io.statetree.redis} package documentation): nodes (a branch is {@code {}}, a leaf its
 * compact JSON), the read form of a subtree, and the "W" form of a commit's writes (DESIGN §8).
 */
final class TreeCodec {

	/** How a branch node is stored. A leaf is never a JSON object, so this is unambiguous. */
	static final String BRANCH = "{}";

	/** Prints numbers exactly and reads back every number it printed (see {@link JsonText}). */
	private static final JsonMapper MAPPER = JsonText.storedJsonMapper().build();

	private static final String ABSENT_FORM = "S0\n";

	private TreeCodec() {
	}

	/**
	 * Appends a value as nodes in pre-order: a relative path line and a node line for each.
	 * @param value a model value, not {@code null}
	 * @param rel the relative path of the value ({@code ""} for the top)
	 * @param out where the lines go
	 * @return the number of nodes appended
	 */
	static int appendNodes(Object value, String rel, StringBuilder out) {
		out.append(rel).append('\n');
		if (value instanceof Map<?, ?> branch) {
			out.append(BRANCH).append('\n');
			int count = 1;
			for (Map.Entry<?, ?> entry : branch.entrySet()) {
				String name = entry.getKey().toString();
				count += appendNodes(entry.getValue(), rel.isEmpty() ? name : rel + "/" + name, out);
			}
			return count;
		}
		out.append(leafJson(value)).append('\n');
		return 1;
	}

	/**
	 * Prints a leaf as compact JSON (one line: JSON escapes line breaks inside strings).
	 * @param value a leaf (array, string, number or boolean)
	 * @return its JSON
	 */
	static String leafJson(Object value) {
		if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
			return value.toString();
		}
		try {
			return MAPPER.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			throw new StateValueException("Cannot write value as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Prints a payload as one line of JSON.
	 * @param payload the payload
	 * @return its JSON
	 */
	static String payloadJson(Object payload) {
		try {
			return MAPPER.writeValueAsString(payload);
		}
		catch (JacksonException ex) {
			throw new StateValueException("Cannot write payload of type " + payload.getClass().getName()
					+ " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Parses a leaf's JSON.
	 * @param json the JSON
	 * @param where what is being parsed, for the error message
	 * @return the model value
	 */
	static @Nullable Object parseJson(String json, String where) {
		Object simple = parseSimple(json);
		if (simple != null) {
			return simple;
		}
		try (JsonParser parser = MAPPER.createParser(json)) {
			return JsonText.readStored(parser);
		}
		catch (JacksonException ex) {
			throw new StateStorageException("Unparsable JSON stored in Redis at " + where + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Parses the most common leaves without Jackson: booleans and integers of up to 18 digits.
	 * @return the value, or {@code null} when the text is anything else
	 */
	private static @Nullable Object parseSimple(String json) {
		int n = json.length();
		if (n == 4 && json.equals("true")) {
			return Boolean.TRUE;
		}
		if (n == 5 && json.equals("false")) {
			return Boolean.FALSE;
		}
		if (n == 0 || n > 18) {
			return null;
		}
		int start = (json.charAt(0) == '-') ? 1 : 0;
		if (start == n || (json.charAt(start) == '0' && n > start + 1)) {
			return null;
		}
		for (int i = start; i < n; i++) {
			char c = json.charAt(i);
			if (c < '0' || c > '9') {
				return null;
			}
		}
		return StateValues.normalizeNumber(Long.parseLong(json));
	}

	/**
	 * The canonical read form of a value: what the read script returns for that value when it
	 * was written by this codec.
	 * @param value the model value or {@code null}
	 * @return the read form
	 */
	static String readForm(@Nullable Object value) {
		if (value == null) {
			return ABSENT_FORM;
		}
		StringBuilder nodes = new StringBuilder();
		int count = appendNodes(value, "", nodes);
		return "S" + count + "\n" + nodes;
	}

	/**
	 * SHA-1 of a read form as lowercase hex, as Redis's {@code redis.sha1hex} computes it.
	 * @param form the read form
	 * @return the digest
	 */
	static String sha1(String form) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-1");
			return HexFormat.of().formatHex(digest.digest(form.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	/**
	 * One subtree as read: either the value at the path, or a leaf above it holding the path.
	 *
	 * @param value the value at the path ({@code null} when absent), or of the leaf above
	 * @param leafPath the leaf above the path, or {@code null} when {@code value} is at the path
	 */
	record Read(@Nullable Object value, @Nullable StatePath leafPath) {

		@Nullable Object valueAt(StatePath path) {
			if (this.leafPath == null) {
				return this.value;
			}
			return StateValues.getIn(this.value, this.leafPath.relativize(path));
		}

	}

	/**
	 * A cursor over text made of lines.
	 */
	static final class Lines {

		private final String text;

		private int at;

		Lines(String text) {
			this.text = text;
		}

		boolean hasMore() {
			return this.at < this.text.length();
		}

		String next() {
			int end = this.text.indexOf('\n', this.at);
			if (end < 0) {
				throw new StateStorageException("Truncated data from Redis: " + abbreviate(this.text));
			}
			String line = this.text.substring(this.at, end);
			this.at = end + 1;
			return line;
		}

		String peek() {
			int end = this.text.indexOf('\n', this.at);
			return (end < 0) ? "" : this.text.substring(this.at, end);
		}

	}

	private static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

	/**
	 * Decodes one read form.
	 * @param text the read form
	 * @param path the path read, for messages
	 * @return the value read
	 */
	static @Nullable Object decodeRead(String text, StatePath path) {
		Lines lines = new Lines(text);
		return nextRead(lines, path).valueAt(path);
	}

	static Read nextRead(Lines lines, StatePath path) {
		String header = lines.next();
		if (header.equals("L")) {
			StatePath leaf = StatePath.of(lines.next());
			return new Read(parseJson(lines.next(), leaf.toString()), leaf);
		}
		if (header.isEmpty() || header.charAt(0) != 'S') {
			throw new StateStorageException("Unexpected data from Redis reading " + path + ": " + abbreviate(header));
		}
		int count = Integer.parseInt(header, 1, header.length(), 10);
		if (count == 0) {
			return new Read(null, null);
		}
		String[] rels = new String[count];
		String[] encs = new String[count];
		for (int i = 0; i < count; i++) {
			rels[i] = lines.next();
			encs[i] = lines.next();
		}
		return new Read(build(rels, encs, new int[1], path), null);
	}

	/**
	 * Builds a value from pre-order nodes, starting at {@code index[0]}.
	 */
	private static Object build(String[] rels, String[] encs, int[] index, StatePath base) {
		int i = index[0]++;
		String rel = rels[i];
		String enc = encs[i];
		if (!enc.equals(BRANCH)) {
			Object leaf = parseJson(enc, rel.isEmpty() ? base.toString() : base.resolve(rel).toString());
			if (leaf == null) {
				throw new StateStorageException("Null stored in Redis at " + base.resolve(rel));
			}
			return leaf;
		}
		String prefix = rel.isEmpty() ? "" : rel + "/";
		Map<String, Object> children = new LinkedHashMap<>();
		while (index[0] < rels.length && rels[index[0]].startsWith(prefix)) {
			String childRel = rels[index[0]];
			if (!prefix.isEmpty() || !childRel.isEmpty()) {
				String name = childRel.substring(prefix.length());
				children.put(name, build(rels, encs, index, base));
			}
			else {
				break;
			}
		}
		return StateValues.branch(children);
	}

	/**
	 * A commit's writes in the "W" form the commit script parses and the change feed carries.
	 *
	 * @param text the W form
	 * @param distinct the distinct written paths in order of first write
	 */
	record EncodedWrites(String text, List<StatePath> distinct) {
	}

	/**
	 * Encodes writes. A delete has no nodes; a value is its nodes in pre-order.
	 * @param writes the writes
	 * @param maxValueBytes the most UTF-8 bytes one written value may take as JSON
	 * @return the W form and the distinct paths
	 * @throws io.statetree.core.StateWriteException if a value is too large
	 */
	static EncodedWrites encodeWrites(List<Write> writes, long maxValueBytes) {
		StringBuilder out = new StringBuilder();
		out.append(writes.size()).append('\n');
		Set<StatePath> seen = new HashSet<>();
		List<StatePath> distinct = new ArrayList<>();
		StringBuilder nodes = new StringBuilder();
		for (Write write : writes) {
			StatePath path = write.path();
			if (seen.add(path)) {
				distinct.add(path);
			}
			out.append(path).append('\n');
			out.append((write.payload() != null) ? payloadJson(write.payload()) : "").append('\n');
			if (write.value() == null) {
				out.append("0\n");
				continue;
			}
			nodes.setLength(0);
			int count = appendNodes(write.value(), "", nodes);
			long bytes = utf8Length(nodes);
			if (bytes > maxValueBytes) {
				throw new io.statetree.core.StateWriteException("Cannot write " + path + ": the value takes " + bytes
						+ " bytes, more than the Redis backend's limit of " + maxValueBytes
						+ " bytes (statetree.redis.max-value-bytes)");
			}
			out.append(count).append('\n').append(nodes);
		}
		return new EncodedWrites(out.toString(), distinct);
	}

	private static long utf8Length(CharSequence s) {
		long bytes = 0;
		for (int i = 0, n = s.length(); i < n; i++) {
			char c = s.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c)) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

	/**
	 * Decodes the W form back into writes (for the change feed).
	 * @param text the W form
	 * @return the writes, with model values and payloads
	 */
	static List<Write> decodeWrites(String text) {
		Lines lines = new Lines(text);
		int count = Integer.parseInt(lines.next());
		List<Write> writes = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			StatePath path = StatePath.of(lines.next());
			String payloadLine = lines.next();
			Object payload = payloadLine.isEmpty() ? null : parseJson(payloadLine, "payload of " + path);
			int nodes = Integer.parseInt(lines.next());
			Object value = null;
			if (nodes > 0) {
				String[] rels = new String[nodes];
				String[] encs = new String[nodes];
				for (int j = 0; j < nodes; j++) {
					rels[j] = lines.next();
					encs[j] = lines.next();
				}
				value = build(rels, encs, new int[1], path);
			}
			writes.add(new Write(path, value, payload));
		}
		return writes;
	}

	/**
	 * Computes a commit's changes from the previous values the script read and the writes: the
	 * previous values are placed in an otherwise empty tree (shallowest first), the writes are
	 * applied to it, and each written path is compared before and after.
	 * @param writes the writes, in order
	 * @param distinct the distinct written paths, in order of first write
	 * @param before the read forms of the distinct paths before the commit, concatenated
	 * @return the changes
	 */
	static List<Change> changes(List<Write> writes, List<StatePath> distinct, String before) {
		Lines lines = new Lines(before);
		List<Read> reads = new ArrayList<>(distinct.size());
		for (StatePath path : distinct) {
			reads.add(nextRead(lines, path));
		}
		List<Integer> order = new ArrayList<>(distinct.size());
		for (int i = 0; i < distinct.size(); i++) {
			order.add(i);
		}
		order.sort((a, b) -> Integer.compare(distinct.get(a).depth(), distinct.get(b).depth()));
		Object partial = StateValues.emptyBranch();
		Set<StatePath> placed = new HashSet<>();
		for (int i : order) {
			Read read = reads.get(i);
			StatePath at = (read.leafPath() != null) ? read.leafPath() : distinct.get(i);
			if (read.value() == null || covered(at, placed)) {
				continue;
			}
			placed.add(at);
			partial = StateValues.setIn(partial, StatePath.ROOT, at, read.value());
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> beforeRoot = (Map<String, Object>) partial;
		Map<String, Object> afterRoot = StateValues.applyToRoot(beforeRoot, writes);
		return StateValues.changes(beforeRoot, afterRoot, writes);
	}

	private static boolean covered(StatePath path, Set<StatePath> placed) {
		if (placed.isEmpty()) {
			return false;
		}
		for (int depth = 0; depth <= path.depth(); depth++) {
			if (placed.contains(path.prefix(depth))) {
				return true;
			}
		}
		return false;
	}

}
