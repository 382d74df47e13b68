package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * Reading into a value and writing into a tree (DESIGN §2 values, §7 backends): the walk below a
 * value by path, the copy-on-write replacement of a subtree, and the one definition of "the value
 * after writes" that every backend and the controller's batch view use. Stateless, thread-safe.
 */
final class TreeEdits {

	private TreeEdits() {
	}

	static @Nullable Object getIn(@Nullable Object value, StatePath relative) {
		return getIn(value, relative, relative.depth());
	}

	/** {@link #getIn(Object, StatePath)} of the path's first {@code depth} segments (its prefix). */
	static @Nullable Object getIn(@Nullable Object value, StatePath relative, int depth) {
		Object current = value;
		for (int i = 0; i < depth && current != null; i++) {
			current = child(current, relative.segment(i));
		}
		return current;
	}

	static @Nullable Object child(Object value, String segment) {
		if (value instanceof Branch branch) {
			// the tree's own branches (final): a direct call, whatever other maps this site sees
			return branch.get(segment);
		}
		if (value instanceof Map<?, ?> map) {
			return map.get(segment);
		}
		if (value instanceof List<?> list) {
			int index = parseIndex(segment);
			return (index >= 0 && index < list.size()) ? list.get(index) : null;
		}
		return null;
	}

	/** An array index segment: decimal digits without a leading zero, at most nine; -1 otherwise. */
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
	 * Replaces the subtree at {@code relative} below {@code current} (whose path is {@code base}),
	 * copying only the branches on the way.
	 * @param previous when not {@code null}, receives the value that was there in its first element
	 */
	static @Nullable Object setIn(@Nullable Object current, StatePath base, StatePath relative, int index,
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
			branch = ValueImport.branch(castMap(map));
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

	/** Names a leaf's kind for messages, never its value. */
	static String describe(Object value) {
		if (value instanceof List<?>) {
			return "an array";
		}
		return "a " + value.getClass().getSimpleName();
	}

	static Map<String, Object> applyToRoot(Map<String, Object> root, List<Write> writes) {
		Object current = root;
		for (Write write : writes) {
			if (write.path().isRoot() && write.value() != null && !(write.value() instanceof Map)) {
				throw new StateWriteException("Cannot write " + describe(write.value())
						+ " at /: the root is always a branch");
			}
			current = setIn(current, StatePath.ROOT, write.path(), 0, write.value(), null);
			if (current == null) {
				current = Branch.EMPTY;
			}
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> result = (Map<String, Object>) current;
		return result;
	}

	/**
	 * The value at {@code path} after {@code writes[from..]} in order, given its value before
	 * them and where a leaf lies above it: a write at or above the path decides the value there
	 * outright, a write below it is applied into it, any other write leaves it alone; a write
	 * below a leaf changes nothing (a delete there is a delete of an absent node, DESIGN §4; a
	 * value there is refused before this is asked). The root is never absent.
	 * @param leafDepth the depth of the shallowest strict ancestor of the path holding a leaf
	 * before the writes ({@link #leafDepth}), or {@code path.depth()} when none does
	 */
	static @Nullable Object valueAfter(StatePath path, @Nullable Object before, int leafDepth, List<Write> writes,
			int from) {
		Object value = before;
		int depth = path.depth();
		int leaf = leafDepth;
		for (int i = from, n = writes.size(); i < n; i++) {
			Write write = writes.get(i);
			StatePath written = write.path();
			if (written.isAncestorOrSelf(path)) {
				int at = written.depth();
				if (leaf < at) {
					continue;
				}
				value = write.value();
				leaf = depth;
				for (int j = at; j < depth && value != null; j++) {
					if (leaf == depth && !(value instanceof Map)) {
						leaf = j;
					}
					value = child(value, path.segment(j));
				}
			}
			else if (leaf >= depth && path.isAncestorOf(written)) {
				value = setIn(value, path, path.relativize(written), 0, write.value(), null);
			}
		}
		return (value == null && path.isRoot()) ? Branch.EMPTY : value;
	}

	/**
	 * Where a leaf lies above a path in a backend: the depth of the shallowest strict ancestor
	 * holding a leaf (an array or a scalar read into through index segments), or
	 * {@code path.depth()} when none does or the path is absent. Lists the ancestors' children
	 * from the root down, so only a path with a value costs a look; a branch lists the child the
	 * path runs through, a leaf does not.
	 * @param backend the backend holding the path
	 * @param path the path
	 * @param value what the backend reads at the path
	 */
	static int leafDepth(StateBackend backend, StatePath path, @Nullable Object value) {
		int depth = path.depth();
		if (value == null) {
			return depth;
		}
		// the root is a branch, and a branch above a path with a value lists the child it runs through
		for (int j = 1; j < depth; j++) {
			if (!backend.childNames(path.prefix(j)).contains(path.segment(j))) {
				return j;
			}
		}
		return depth;
	}

}
