package io.statetree.core.backend;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import io.statetree.core.internal.Branch;
import io.statetree.core.internal.ModelRules;
import io.statetree.core.internal.PersistentOrderedMap;
import io.statetree.core.internal.ValueList;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * StateTree's immutable JSON value model, for backends and converters.
 * <p>
 * A value is one of: a branch (an unmodifiable, insertion-ordered {@code Map<String, Object>}
 * whose keys are valid path segments and whose values are never {@code null}), an array (an
 * unmodifiable {@code List<Object>}, elements may be {@code null}), a {@code String}, a
 * {@code Boolean}, or a number: {@code Integer}, {@code Long} or {@code BigInteger} for integers
 * (the smallest that fits), {@code Double} or {@code BigDecimal} otherwise, each kept exactly as
 * written (a decimal's scale included; never NaN or an infinity). Two values are equal when their
 * JSON trees are equal, numbers compared by the decimal value they denote (a {@code Double} as
 * {@link Double#toString(double)} prints it). Every path inside a value, counted from where it
 * is stored, has at most {@link StatePath#MAX_DEPTH} segments. All methods are thread-safe.
 */
public final class StateValues {

	private static final Object NO_PAYLOAD = new Object();

	private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);

	private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

	private StateValues() {
	}

	/**
	 * Returns the empty branch.
	 * @return an empty, unmodifiable map
	 */
	public static Map<String, Object> emptyBranch() {
		return Branch.EMPTY;
	}

	/**
	 * Tells whether a value is a branch (a JSON object).
	 * @param value a model value
	 * @return {@code true} for a branch
	 */
	public static boolean isBranch(@Nullable Object value) {
		return value instanceof Map;
	}

	/**
	 * Builds a branch from already converted children, keeping their order.
	 * @param children model values by name; {@code null} values are skipped
	 * @return the branch
	 */
	public static Map<String, Object> branch(Map<String, ?> children) {
		if (children instanceof Branch branch) {
			return branch;
		}
		PersistentOrderedMap<String, Object> map = PersistentOrderedMap.empty();
		for (Map.Entry<String, ?> entry : children.entrySet()) {
			if (entry.getValue() != null) {
				map = map.put(entry.getKey(), entry.getValue());
			}
		}
		return Branch.of(map);
	}

	// ---- conversion ----

	/**
	 * Converts a Jackson tree into the model, as a value written at the root.
	 * @param node the tree; {@code null}, a null node or a missing node give {@code null}
	 * @return the immutable value
	 * @throws InvalidPathException if an object key is not a valid path segment
	 * @throws StateValueException if the value is nested deeper than the path limit allows or
	 * holds a number the model refuses (see {@link #fromJava(StatePath, Object, Function)})
	 */
	public static @Nullable Object fromJson(@Nullable JsonNode node) {
		return fromJson(StatePath.ROOT, node);
	}

	/**
	 * Converts a Jackson tree into the model, as a value about to be written at a path (the same
	 * rules as {@link #fromJava(StatePath, Object, Function)}).
	 * @param at where the value goes
	 * @param node the tree; {@code null}, a null node or a missing node give {@code null}
	 * @return the immutable value
	 * @throws InvalidPathException if an object key is not a valid path segment
	 * @throws StateValueException if the value breaks a rule of the model
	 */
	public static @Nullable Object fromJson(StatePath at, @Nullable JsonNode node) {
		return fromJson(node, ModelRules.writing(at));
	}

	private static @Nullable Object fromJson(@Nullable JsonNode node, ModelRules.Walk walk) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (node.isObject()) {
			PersistentOrderedMap<String, Object> map = PersistentOrderedMap.empty();
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				JsonNode value = field.getValue();
				if (value == null || value.isNull() || value.isMissingNode()) {
					continue;
				}
				String key = walk.key(field.getKey());
				walk.enter(key);
				Object child = fromJson(value, walk);
				walk.exit();
				map = map.put(key, child);
			}
			return Branch.of(map);
		}
		if (node.isArray()) {
			Object[] elements = new Object[node.size()];
			int i = 0;
			for (JsonNode element : node) {
				walk.enter(i);
				elements[i++] = fromJson(element, walk);
				walk.exit();
			}
			return ValueList.wrap(elements);
		}
		if (node.isString()) {
			return walk.string(node.stringValue());
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isNumber()) {
			return walk.number(node.numberValue());
		}
		if (node.isBinary()) {
			return node.asString();
		}
		throw new StateValueException("Value at " + walk.location() + " contains a " + node.getNodeType()
				+ " node, which is not JSON data");
	}

	/**
	 * Converts a Java value into the model, as a value written at the root. See
	 * {@link #fromJava(StatePath, Object, Function)}.
	 * @param value the value; {@code null} gives {@code null}
	 * @param fallback converts a non-plain object to a Jackson tree
	 * @return the immutable value
	 */
	public static @Nullable Object fromJava(@Nullable Object value, Function<Object, JsonNode> fallback) {
		return fromJava(StatePath.ROOT, value, fallback);
	}

	/**
	 * Converts a Java value about to be written at a path into the model. Plain values
	 * ({@code Map}, {@code Collection}, arrays of objects, {@code String}, numbers,
	 * {@code Boolean}, {@code Character}, enums) are converted directly; anything else is handed
	 * to {@code fallback} (usually Jackson's {@code valueToTree}).
	 * <p>
	 * This is where the model's rules are enforced, before anything is written: object keys are
	 * path segments; no path inside the value may take the path beyond
	 * {@link StatePath#MAX_DEPTH} segments (array indexes are segments too); numbers keep their
	 * exact value and type ({@code Integer}, {@code Long}, {@code BigInteger} by size;
	 * {@code Double}; {@code BigDecimal} as given; a {@code Float} becomes the {@code Double} of
	 * its text), and NaN, infinities, numbers of more than 1,000 digits and decimals whose
	 * scale exceeds +/-9,999 are refused, since JSON cannot carry them.
	 * @param at where the value goes
	 * @param value the value; {@code null} gives {@code null}
	 * @param fallback converts a non-plain object to a Jackson tree
	 * @return the immutable value
	 * @throws InvalidPathException if an object key is not a valid path segment (the message
	 * names the key and the reason)
	 * @throws StateValueException if the value cannot be converted (a cycle, nesting beyond the
	 * path limit, a number the model refuses, the fallback failing); the message names the path
	 * and the reason, never the value
	 */
	public static @Nullable Object fromJava(StatePath at, @Nullable Object value,
			Function<Object, JsonNode> fallback) {
		if (value == null || value instanceof Boolean || value instanceof Integer) {
			return value;
		}
		if (value instanceof String s && ModelRules.unpairedSurrogate(s) < 0) {
			return s;
		}
		if (value instanceof Long l) {
			return (l == l.intValue()) ? (Object) l.intValue() : l;
		}
		if (value instanceof Double d && Double.isFinite(d)) {
			return d;
		}
		return fromJava(value, fallback, ModelRules.writing(at), new IdentityHashMap<>());
	}

	private static @Nullable Object fromJava(@Nullable Object value, Function<Object, JsonNode> fallback,
			ModelRules.Walk walk, IdentityHashMap<Object, Boolean> visiting) {
		if (value == null) {
			return null;
		}
		if (value instanceof String s) {
			return walk.string(s);
		}
		if (value instanceof Boolean) {
			return value;
		}
		if (value instanceof Number number) {
			return walk.number(number);
		}
		if (value instanceof Branch || value instanceof ValueList) {
			walk.model(value);
			return value;
		}
		if (value instanceof Character) {
			return walk.string(value.toString());
		}
		// An enum goes through the fallback (the application's mapper), so it is stored as that
		// mapper writes it, and a typed read of it (or of a record holding it) finds it again.
		if (value instanceof Map<?, ?> map) {
			enter(value, visiting);
			PersistentOrderedMap<String, Object> result = PersistentOrderedMap.empty();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object key = entry.getKey();
				if (key == null) {
					throw new StateValueException("Value at " + walk.location() + " contains a map with a null key");
				}
				if (entry.getValue() == null) {
					continue;
				}
				String name = walk.key(key.toString());
				if (result.containsKey(name)) {
					// Two keys with the same text (1 and "1"): one would silently replace the other.
					throw new StateValueException("Value at " + walk.location() + " contains a map with two keys that "
							+ "both become the segment '" + name + "'");
				}
				walk.enter(name);
				Object child = fromJava(entry.getValue(), fallback, walk, visiting);
				walk.exit();
				if (child != null) {
					result = result.put(name, child);
				}
			}
			visiting.remove(value);
			return Branch.of(result);
		}
		if (value instanceof Collection<?> collection) {
			enter(value, visiting);
			Object[] elements = new Object[collection.size()];
			int i = 0;
			for (Object element : collection) {
				walk.enter(i);
				elements[i++] = fromJava(element, fallback, walk, visiting);
				walk.exit();
			}
			visiting.remove(value);
			return ValueList.wrap(elements);
		}
		if (value instanceof Object[] array) {
			enter(value, visiting);
			Object[] elements = new Object[array.length];
			for (int i = 0; i < array.length; i++) {
				walk.enter(i);
				elements[i] = fromJava(array[i], fallback, walk, visiting);
				walk.exit();
			}
			visiting.remove(value);
			return ValueList.wrap(elements);
		}
		JsonNode tree;
		try {
			tree = fallback.apply(value);
		}
		catch (StateValueException ex) {
			throw ex;
		}
		catch (RuntimeException | StackOverflowError ex) {
			throw new StateValueException("Cannot convert value of type " + value.getClass().getName()
					+ " at " + walk.location() + " to JSON: " + ex.getMessage(), ex);
		}
		return fromJson(tree, walk);
	}

	private static void enter(Object value, IdentityHashMap<Object, Boolean> visiting) {
		if (visiting.put(value, Boolean.TRUE) != null) {
			throw new StateValueException("Value contains a cycle through a " + value.getClass().getName());
		}
	}

	/**
	 * Normalises a number: integers become the smallest of {@code Integer}, {@code Long},
	 * {@code BigInteger} that holds them; {@code Float} becomes {@code Double}.
	 * @param number the number
	 * @return the normalised number
	 */
	public static Number normalizeNumber(Number number) {
		if (number instanceof Integer) {
			return number;
		}
		if (number instanceof Long l) {
			return (l == l.intValue()) ? (Number) l.intValue() : l;
		}
		if (number instanceof Short || number instanceof Byte) {
			return number.intValue();
		}
		if (number instanceof BigInteger big) {
			if (big.bitLength() < 32) {
				return big.intValue();
			}
			if (big.bitLength() < 64) {
				return big.longValue();
			}
			return big;
		}
		if (number instanceof Float f) {
			return Double.parseDouble(f.toString());
		}
		if (number instanceof Double || number instanceof BigDecimal) {
			return number;
		}
		if (number instanceof java.util.concurrent.atomic.AtomicInteger || number instanceof java.util.concurrent.atomic.AtomicLong
				|| number instanceof java.util.concurrent.atomic.LongAdder
				|| number instanceof java.util.concurrent.atomic.LongAccumulator) {
			return normalizeNumber(number.longValue());
		}
		if (number instanceof java.util.concurrent.atomic.DoubleAdder
				|| number instanceof java.util.concurrent.atomic.DoubleAccumulator) {
			return number.doubleValue();
		}
		// Another Number: the decimal its text spells, an integer kept as an integer.
		BigDecimal decimal = new BigDecimal(number.toString());
		return (decimal.scale() == 0) ? normalizeNumber(decimal.toBigInteger()) : decimal;
	}

	// ---- equality ----

	/**
	 * JSON equality: branches equal when they have the same keys with equal values (order
	 * ignored), arrays element by element, numbers by value ({@code 1}, {@code 1L} and
	 * {@code 1.0} are equal).
	 * @param a a value
	 * @param b another value
	 * @return whether they are equal
	 */
	public static boolean equal(@Nullable Object a, @Nullable Object b) {
		if (a == b) {
			return true;
		}
		if (a == null || b == null) {
			return false;
		}
		if (a instanceof Number na) {
			return (b instanceof Number nb) && numbersEqual(na, nb);
		}
		if (a instanceof Map<?, ?> ma) {
			if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) {
				return false;
			}
			for (Map.Entry<?, ?> entry : ma.entrySet()) {
				Object other = mb.get(entry.getKey());
				if (other == null || !equal(entry.getValue(), other)) {
					return false;
				}
			}
			return true;
		}
		if (a instanceof List<?> la) {
			if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
				return false;
			}
			Iterator<?> ia = la.iterator();
			Iterator<?> ib = lb.iterator();
			while (ia.hasNext()) {
				if (!equal(ia.next(), ib.next())) {
					return false;
				}
			}
			return true;
		}
		return a.equals(b);
	}

	/**
	 * Numbers are equal when the decimal numbers they denote are equal: a {@code Double} denotes
	 * the decimal {@link Double#toString(double)} prints, so {@code 0.1} equals
	 * {@code BigDecimal("0.1")} and {@code 1.0} equals {@code 1}, while two decimals that differ
	 * only beyond a double's precision stay different. A non-finite double (never in the model)
	 * equals only itself.
	 */
	private static boolean numbersEqual(Number a, Number b) {
		if (a instanceof Float f) {
			return numbersEqual(Double.parseDouble(f.toString()), b);
		}
		if (b instanceof Float f) {
			return numbersEqual(a, Double.parseDouble(f.toString()));
		}
		if (isIntegral(a) && isIntegral(b)) {
			if (!(a instanceof BigInteger) && !(b instanceof BigInteger)) {
				return a.longValue() == b.longValue();
			}
			return toBigInteger(a).equals(toBigInteger(b));
		}
		boolean da = a instanceof Double || a instanceof Float;
		boolean db = b instanceof Double || b instanceof Float;
		if (da && db) {
			return a.doubleValue() == b.doubleValue();
		}
		if ((da && !Double.isFinite(a.doubleValue())) || (db && !Double.isFinite(b.doubleValue()))) {
			return false;
		}
		// Below 2^53 a whole double prints as its exact value, so comparing the binary value is
		// comparing the decimal it denotes; above, it prints rounded (2^60 as
		// 1.15292150460684698E18): the printed decimal decides, as for every other number.
		if (da && isIntegral(b) && !(b instanceof BigInteger) && Math.abs(a.doubleValue()) < 0x1p53) {
			return a.doubleValue() == b.longValue() && isExactLong(a.doubleValue(), b.longValue());
		}
		if (db && isIntegral(a) && !(a instanceof BigInteger) && Math.abs(b.doubleValue()) < 0x1p53) {
			return b.doubleValue() == a.longValue() && isExactLong(b.doubleValue(), a.longValue());
		}
		return toBigDecimal(a).compareTo(toBigDecimal(b)) == 0;
	}

	private static boolean isExactLong(double d, long l) {
		return d >= -0x1p63 && d < 0x1p63 && (long) d == l;
	}

	private static boolean isIntegral(Number n) {
		return n instanceof Integer || n instanceof Long || n instanceof BigInteger || n instanceof Short
				|| n instanceof Byte;
	}

	private static BigInteger toBigInteger(Number n) {
		return (n instanceof BigInteger b) ? b : BigInteger.valueOf(n.longValue());
	}

	private static BigDecimal toBigDecimal(Number n) {
		if (n instanceof BigDecimal d) {
			return d;
		}
		if (n instanceof BigInteger b) {
			return new BigDecimal(b);
		}
		if (isIntegral(n)) {
			return BigDecimal.valueOf(n.longValue());
		}
		if (n instanceof Double || n instanceof Float) {
			return new BigDecimal(Double.toString(n.doubleValue()));
		}
		return new BigDecimal(n.toString());
	}

	/**
	 * A hash code consistent with {@link #equal}.
	 * @param value a value
	 * @return its hash
	 */
	public static int hash(@Nullable Object value) {
		if (value == null) {
			return 0;
		}
		if (value instanceof Number n) {
			return hashNumber(n);
		}
		if (value instanceof Map<?, ?> map) {
			int h = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				h += entry.getKey().hashCode() ^ hash(entry.getValue());
			}
			return h;
		}
		if (value instanceof List<?> list) {
			int h = 1;
			for (Object element : list) {
				h = 31 * h + hash(element);
			}
			return h;
		}
		return value.hashCode();
	}

	/**
	 * Equal numbers (see {@link #numbersEqual}) hash alike: an integer value that fits in a
	 * {@code long} hashes as that {@code long}, any other value as the nearest double.
	 */
	private static int hashNumber(Number n) {
		if (n instanceof Float f) {
			return hashNumber(Double.parseDouble(f.toString()));
		}
		if (isIntegral(n)) {
			if (n instanceof BigInteger b && (b.compareTo(LONG_MIN) < 0 || b.compareTo(LONG_MAX) > 0)) {
				return Double.hashCode(b.doubleValue());
			}
			return Long.hashCode(n.longValue());
		}
		if (n instanceof BigDecimal decimal) {
			if (decimal.signum() == 0) {
				return Long.hashCode(0);
			}
			BigDecimal stripped = decimal.stripTrailingZeros();
			if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
				BigInteger integer = stripped.toBigInteger();
				if (integer.compareTo(LONG_MIN) >= 0 && integer.compareTo(LONG_MAX) <= 0) {
					return Long.hashCode(integer.longValue());
				}
			}
			return Double.hashCode(decimal.doubleValue());
		}
		double d = n.doubleValue();
		if (Math.abs(d) >= 0x1p53 && Math.abs(d) < 0x1p63) {
			// Equal to the decimal it prints as, which may differ from its binary value here.
			return hashNumber(new BigDecimal(Double.toString(d)));
		}
		if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
			return Long.hashCode((long) d);
		}
		return Double.hashCode(d);
	}

	// ---- navigation ----

	/**
	 * Reads below a value: branches by key, arrays by index segment ({@code 0}, {@code 1}, ...).
	 * @param value the value at the start
	 * @param relative the path below it
	 * @return the value there, or {@code null} when absent
	 */
	public static @Nullable Object getIn(@Nullable Object value, StatePath relative) {
		Object current = value;
		for (int i = 0, n = relative.depth(); i < n && current != null; i++) {
			current = child(current, relative.segment(i));
		}
		return current;
	}

	/**
	 * Returns the child of a value: a branch's child, or an array element by index segment.
	 * @param value the value
	 * @param segment the child's name
	 * @return the child, or {@code null}
	 */
	public static @Nullable Object child(Object value, String segment) {
		if (value instanceof Map<?, ?> map) {
			return map.get(segment);
		}
		if (value instanceof List<?> list) {
			int index = parseIndex(segment);
			return (index >= 0 && index < list.size()) ? list.get(index) : null;
		}
		return null;
	}

	private static int parseIndex(String segment) {
		int n = segment.length();
		if (n == 0 || n > 9 || (n > 1 && segment.charAt(0) == '0')) {
			return -1;
		}
		int result = 0;
		for (int i = 0; i < n; i++) {
			char c = segment.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			result = result * 10 + (c - '0');
		}
		return result;
	}

	/**
	 * Returns a copy of a tree with the subtree at a path replaced, creating missing branches on
	 * the way. Only the branches on the path are copied.
	 * @param root the value at {@code base} (a branch, or {@code null} when absent)
	 * @param base the absolute path of {@code root}, for error messages
	 * @param relative the path below {@code base} to write
	 * @param value the new value, or {@code null} to delete
	 * @return the new value at {@code base} ({@code null} only when {@code relative} is the root and
	 * {@code value} is {@code null})
	 * @throws StateWriteException if the path runs through a leaf (for a delete there is nothing to
	 * delete and the tree is returned unchanged)
	 */
	public static @Nullable Object setIn(@Nullable Object root, StatePath base, StatePath relative,
			@Nullable Object value) {
		return setIn(root, base, relative, 0, value);
	}

	private static @Nullable Object setIn(@Nullable Object current, StatePath base, StatePath relative, int index,
			@Nullable Object value) {
		return setIn(current, base, relative, index, value, null);
	}

	/**
	 * Like {@link #setIn(Object, StatePath, StatePath, Object)}, also handing back the value that
	 * was at the path, found on the same walk.
	 * @param root the value at {@code base}
	 * @param base the absolute path of {@code root}, for error messages
	 * @param relative the path below {@code base} to write
	 * @param value the new value, or {@code null} to delete
	 * @param previous receives the previous value at the path in its first element
	 * @return the new value at {@code base}
	 */
	public static @Nullable Object setIn(@Nullable Object root, StatePath base, StatePath relative,
			@Nullable Object value, @Nullable Object[] previous) {
		previous[0] = null;
		return setIn(root, base, relative, 0, value, previous);
	}

	private static @Nullable Object setIn(@Nullable Object current, StatePath base, StatePath relative, int index,
			@Nullable Object value, @Nullable Object @Nullable [] previous) {
		if (index == relative.depth()) {
			if (previous != null) {
				previous[0] = current;
			}
			return value;
		}
		Branch branch;
		if (current == null) {
			if (value == null) {
				return null;
			}
			branch = Branch.EMPTY;
		}
		else if (current instanceof Branch b) {
			branch = b;
		}
		else if (current instanceof Map<?, ?> map) {
			branch = (Branch) branch(castMap(map));
		}
		else {
			if (value == null) {
				return current;
			}
			StatePath leaf = base.resolve(relative.prefix(index));
			throw new StateWriteException("Cannot write " + base.resolve(relative) + ": " + leaf
					+ " holds a leaf value (" + describe(current) + "), not a branch");
		}
		String key = relative.segment(index);
		Object child = branch.get(key);
		Object updated = setIn(child, base, relative, index + 1, value, previous);
		if (updated == child) {
			return branch;
		}
		return (updated == null) ? branch.without(key) : branch.with(key, updated);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, ?> castMap(Map<?, ?> map) {
		return (Map<String, ?>) map;
	}

	private static String describe(Object value) {
		if (value instanceof List<?>) {
			return "an array";
		}
		return "a " + value.getClass().getSimpleName();
	}

	/**
	 * Applies writes in order to a whole tree.
	 * @param root the root branch
	 * @param writes the writes
	 * @return the new root branch
	 * @throws StateWriteException if a write runs through a leaf or puts a non-branch at the root
	 */
	public static Map<String, Object> applyToRoot(Map<String, Object> root, List<Write> writes) {
		Object current = root;
		for (Write write : writes) {
			if (write.path().isRoot() && write.value() != null && !isBranch(write.value())) {
				throw new StateWriteException("Cannot write " + describe(write.value())
						+ " at /: the root is always a branch");
			}
			current = setIn(current, StatePath.ROOT, write.path(), write.value());
			if (current == null) {
				current = Branch.EMPTY;
			}
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> result = (Map<String, Object>) current;
		return result;
	}

	/**
	 * Computes a commit's changes from the trees before and after it: one entry per distinct
	 * written path in order of first write, with the last payload given for it.
	 * @param before the root before
	 * @param after the root after
	 * @param writes the writes
	 * @return the changes
	 */
	public static List<Change> changes(Map<String, Object> before, Map<String, Object> after, List<Write> writes) {
		if (writes.size() == 1) {
			Write w = writes.get(0);
			return List.of(new Change(w.path(), getIn(before, w.path()), getIn(after, w.path()), w.payload()));
		}
		Map<StatePath, Object> payloads = new LinkedHashMap<>(writes.size() * 2);
		for (Write write : writes) {
			Object payload = write.payload();
			if (payload != null) {
				payloads.put(write.path(), payload);
			}
			else {
				payloads.putIfAbsent(write.path(), NO_PAYLOAD);
			}
		}
		List<Change> changes = new ArrayList<>(payloads.size());
		payloads.forEach((path, payload) -> changes.add(
				new Change(path, getIn(before, path), getIn(after, path), (payload == NO_PAYLOAD) ? null : payload)));
		return changes;
	}

	/**
	 * Tells whether a commit changed nothing: every change's old and new values are equal.
	 * @param changes a commit's changes
	 * @return {@code true} when no value changed
	 */
	public static boolean unchanged(List<Change> changes) {
		for (Change change : changes) {
			if (!equal(change.oldValue(), change.newValue())) {
				return false;
			}
		}
		return true;
	}

	// ---- printing ----

	/**
	 * Prints a value as compact JSON (for {@code toString} and logs).
	 * @param value the value
	 * @return JSON text
	 */
	public static String toJsonString(@Nullable Object value) {
		StringBuilder sb = new StringBuilder();
		print(value, sb);
		return sb.toString();
	}

	private static void print(@Nullable Object value, StringBuilder sb) {
		if (value == null) {
			sb.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			sb.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					sb.append(',');
				}
				first = false;
				quote(String.valueOf(entry.getKey()), sb);
				sb.append(':');
				print(entry.getValue(), sb);
			}
			sb.append('}');
		}
		else if (value instanceof List<?> list) {
			sb.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					sb.append(',');
				}
				print(list.get(i), sb);
			}
			sb.append(']');
		}
		else if (value instanceof String s) {
			quote(s, sb);
		}
		else {
			sb.append(value);
		}
	}

	private static void quote(String s, StringBuilder sb) {
		sb.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case '\t' -> sb.append("\\t");
				default -> {
					if (c < 0x20) {
						sb.append(String.format("\\u%04x", (int) c));
					}
					else {
						sb.append(c);
					}
				}
			}
		}
		sb.append('"');
	}

}
