package io.statetree.core.backend;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * StateTree's immutable JSON value model, for backends and converters: the one public entry
 * point to it (the classes behind it are package-private).
 * <p>
 * A value is one of: a branch (an unmodifiable, insertion-ordered {@code Map<String, Object>}
 * whose keys are valid path segments and whose values are never {@code null}), an array (an
 * unmodifiable {@code List<Object>}, elements may be {@code null}), a {@code String}, a
 * {@code Boolean}, or a number: {@code Integer}, {@code Long} or {@code BigInteger} for integers
 * (the smallest that fits), {@code Double} or {@code BigDecimal} otherwise, each kept exactly as
 * written (a decimal's scale included; never NaN or an infinity). Two values are equal when their
 * JSON trees are equal, numbers compared by the decimal value they denote (a {@code Double} as
 * {@link Double#toString(double)} prints it). Every path inside a value, counted from where it
 * is stored, has at most {@link StatePath#MAX_DEPTH} segments.
 * <p>
 * Values are immutable: every edit ({@link #setIn}, {@link #applyToRoot}) returns a new value
 * sharing everything it did not change, and leaves its argument untouched. All methods are
 * stateless and thread-safe.
 */
public final class StateValues {

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
		return ValueImport.branch(children);
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
		return ValueImport.fromJson(node, ModelRules.writing(at));
	}

	/**
	 * Converts a Java value into the model, as a value written at the root. See
	 * {@link #fromJava(StatePath, Object, Function)}.
	 * @param value the value; {@code null} gives {@code null}
	 * @param fallback converts a non-plain object to a Jackson tree
	 * @return the immutable value
	 */
	public static @Nullable Object fromJava(@Nullable Object value, Function<Object, JsonNode> fallback) {
		return ValueImport.fromJava(StatePath.ROOT, value, fallback);
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
		return ValueImport.fromJava(at, value, fallback);
	}

	/**
	 * Normalises a number: integers become the smallest of {@code Integer}, {@code Long},
	 * {@code BigInteger} that holds them; {@code Float} becomes {@code Double}.
	 * @param number the number
	 * @return the normalised number
	 */
	public static Number normalizeNumber(Number number) {
		return ValueImport.normalizeNumber(number);
	}

	// ---- JSON text ----

	/**
	 * Returns a builder of a JSON mapper for StateTree's own stored JSON: numbers printed so that
	 * they read back with the same value and type (a {@code Double} as
	 * {@link Double#toString(double)}, a {@code BigDecimal} keeping its scale), and read
	 * constraints that accept every number the model holds.
	 * @return a new mapper builder, to be customised further and built
	 */
	public static JsonMapper.Builder storedJsonMapper() {
		return JsonText.storedJsonMapper();
	}

	/**
	 * Reads stored JSON (a file, a Redis node) back into the model: object keys must be path
	 * segments (outside arrays), numbers exact and finite; the write-time path and size limits do
	 * not apply, so data stored before a limit existed stays readable. A decimal that
	 * {@link Double#toString(double)} prints reads as a {@code Double}, any other as the
	 * {@code BigDecimal} it spells.
	 * @param parser a parser positioned before the document
	 * @return the value, or {@code null} for an empty document or {@code null}
	 * @throws StateValueException if the data breaks a rule of the model
	 * @throws JacksonException if the text is not well-formed
	 */
	public static @Nullable Object readStored(JsonParser parser) {
		return JsonText.readStored(parser);
	}

	/**
	 * Reads JSON given for a write at a path into the model, streaming, with every rule of
	 * {@link #fromJava(StatePath, Object, Function)} (and a key given twice in one object refused),
	 * so decimals keep their exact text.
	 * @param parser a parser positioned before the document
	 * @param at where the value goes
	 * @return the value, or {@code null} for {@code null}
	 * @throws InvalidPathException if an object key is not a valid path segment
	 * @throws StateValueException if the value breaks a rule of the model
	 * @throws JacksonException if the text is not well-formed JSON or breaks the parser's limits
	 */
	public static @Nullable Object readForWrite(JsonParser parser, StatePath at) {
		return JsonText.readForWrite(parser, at);
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
		return ValueEquality.equal(a, b);
	}

	/**
	 * A hash code consistent with {@link #equal}.
	 * @param value a value
	 * @return its hash
	 */
	public static int hash(@Nullable Object value) {
		return ValueEquality.hash(value);
	}

	// ---- navigation and edits ----

	/**
	 * Reads below a value: branches by key, arrays by index segment ({@code 0}, {@code 1}, ...).
	 * @param value the value at the start
	 * @param relative the path below it
	 * @return the value there, or {@code null} when absent
	 */
	public static @Nullable Object getIn(@Nullable Object value, StatePath relative) {
		return TreeEdits.getIn(value, relative);
	}

	/**
	 * Returns the child of a value: a branch's child, or an array element by index segment.
	 * @param value the value
	 * @param segment the child's name
	 * @return the child, or {@code null}
	 */
	public static @Nullable Object child(Object value, String segment) {
		return TreeEdits.child(value, segment);
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
		return TreeEdits.setIn(root, base, relative, 0, value, null);
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
		return TreeEdits.setIn(root, base, relative, 0, value, previous);
	}

	/**
	 * The value of a child of a branch, as {@link #child} gives it, with a position hint kept by
	 * the caller: {@code hints[i]} on entry is where the child was found before in a branch it
	 * descends from (any value; -1 for none), on return where it is in this one (-1 when unknown).
	 * Hints passed on to {@link #withChildren(Map, int[], Object[], Object[], int)} spare finding
	 * each child again; a wrong hint costs a search, never a wrong answer.
	 * @param branch a branch of the model
	 * @param key the child's name
	 * @param hints the caller's hints
	 * @param i the index of this child's hint
	 * @return the child's value, or {@code null} when absent
	 */
	public static @Nullable Object child(Map<String, Object> branch, String key, int[] hints, int i) {
		if (branch instanceof Branch own) {
			return own.child(key, hints, i);
		}
		hints[i] = -1;
		return branch.get(key);
	}

	/**
	 * {@link #withChildren(Map, Object[], Object[], int)} with the position hints
	 * {@link #child(Map, String, int[], int)} left for the children, so that a child found there
	 * is not searched for again.
	 * @param branch a branch of the model
	 * @param hints a position hint per child (any values)
	 * @param keys the children's names (valid path segments), the first {@code n} used, none twice
	 * @param values their new values in the model, none {@code null}
	 * @param n how many children
	 * @return the new branch, or {@code branch} when every child already is that value
	 */
	public static Map<String, Object> withChildren(Map<String, Object> branch, int[] hints, Object[] keys,
			Object[] values, int n) {
		return (branch instanceof Branch own) ? own.withAll(hints, keys, values, n)
				: ValueImport.branch(branch).withAll(keys, values, n);
	}

	/**
	 * Returns a copy of a branch with several children set at once, the branch copied once rather
	 * than once per child (a commit whose derivations write side by side, DESIGN §6). The same
	 * branch as setting each child with {@link #setIn} in order.
	 * @param branch a branch of the model
	 * @param keys the children's names (valid path segments), the first {@code n} used, none twice
	 * @param values their new values in the model, none {@code null}
	 * @param n how many children
	 * @return the new branch, or {@code branch} when every child already is that value
	 */
	public static Map<String, Object> withChildren(Map<String, Object> branch, Object[] keys, Object[] values,
			int n) {
		Branch b = (branch instanceof Branch own) ? own : ValueImport.branch(branch);
		return b.withAll(keys, values, n);
	}

	/**
	 * Applies writes in order to a whole tree.
	 * @param root the root branch
	 * @param writes the writes
	 * @return the new root branch
	 * @throws StateWriteException if a write runs through a leaf or puts a non-branch at the root
	 */
	public static Map<String, Object> applyToRoot(Map<String, Object> root, List<Write> writes) {
		return TreeEdits.applyToRoot(root, writes);
	}

	/**
	 * Returns the value at a path after writes, given its value before them, without the rest
	 * of the tree: a write at or above the path decides the value there, a write below it is
	 * applied into it, other writes leave it alone. The same value {@link #applyToRoot} would
	 * leave at the path.
	 * @param path the path
	 * @param before its value before the writes ({@code null} when absent)
	 * @param writes the writes, in order
	 * @return its value after (the root is never absent: an empty branch)
	 * @throws StateWriteException if a write below the path runs through a leaf
	 */
	public static @Nullable Object valueAfter(StatePath path, @Nullable Object before, List<Write> writes) {
		return TreeEdits.valueAfter(path, before, path.depth(), writes, 0);
	}

	/**
	 * Like {@link #valueAfter(StatePath, Object, List)} for the writes from index {@code from}
	 * on (earlier ones are ignored), without copying the list.
	 * @param path the path
	 * @param before its value before {@code writes[from]}
	 * @param writes the writes, in order
	 * @param from the index of the first write to apply
	 * @return its value after the last write
	 * @throws StateWriteException if a write below the path runs through a leaf
	 */
	public static @Nullable Object valueAfter(StatePath path, @Nullable Object before, List<Write> writes, int from) {
		return TreeEdits.valueAfter(path, before, path.depth(), writes, from);
	}

	/**
	 * Like {@link #valueAfter(StatePath, Object, List, int)} for a path that may lie below a
	 * leaf (an index segment reading into an array, DESIGN §2): a write below that leaf changes
	 * nothing, so a delete there leaves the value read into the leaf as it was.
	 * @param path the path
	 * @param before its value before {@code writes[from]}
	 * @param leafDepth the depth of the shallowest strict ancestor of the path holding a leaf
	 * before {@code writes[from]} ({@link #leafDepth}), or {@code path.depth()} when none does
	 * @param writes the writes, in order
	 * @param from the index of the first write to apply
	 * @return its value after the last write
	 * @throws StateWriteException if a write below the path runs through a leaf
	 */
	public static @Nullable Object valueAfter(StatePath path, @Nullable Object before, int leafDepth,
			List<Write> writes, int from) {
		return TreeEdits.valueAfter(path, before, leafDepth, writes, from);
	}

	/**
	 * Finds where a leaf lies above a path in a backend, by listing the children of the path's
	 * ancestors from the root down ({@link StateBackend#childNames}); asks nothing when the path
	 * is absent.
	 * @param backend the backend
	 * @param path the path
	 * @param value what the backend reads at the path ({@code null} when absent)
	 * @return the depth of the shallowest strict ancestor of the path holding a leaf, or
	 * {@code path.depth()} when none does or the path is absent
	 */
	public static int leafDepth(StateBackend backend, StatePath path, @Nullable Object value) {
		return TreeEdits.leafDepth(backend, path, value);
	}

	// ---- changes ----

	/**
	 * Computes a commit's changes from the trees before and after it: one entry per distinct
	 * written path in order of first write, with the last payload given for it.
	 * @param before the root before
	 * @param after the root after
	 * @param writes the writes
	 * @return the changes
	 */
	public static List<Change> changes(Map<String, Object> before, Map<String, Object> after, List<Write> writes) {
		return TreeChanges.betweenRoots(before, after, writes);
	}

	/**
	 * Tells whether a commit changed nothing: every change's old and new values are equal.
	 * @param changes a commit's changes
	 * @return {@code true} when no value changed
	 */
	public static boolean unchanged(List<Change> changes) {
		return TreeChanges.unchanged(changes);
	}

	// ---- printing ----

	/**
	 * Prints a value as compact JSON (for {@code toString} and logs).
	 * @param value the value
	 * @return JSON text
	 */
	public static String toJsonString(@Nullable Object value) {
		return JsonText.print(value);
	}

}
