package io.statetree.core.break20;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * A plain model of the tree for the break tests: nested {@link LinkedHashMap}s, so children keep
 * the order in which they were first created (DESIGN §7); a replaced child keeps its place, a
 * deleted one loses it, a written branch brings its own order. Not the product's code.
 */
final class OrderModel {

	/** Thrown for a write below a leaf (the product throws {@code StateWriteException}). */
	static final class Refused extends RuntimeException {

		Refused(String message) {
			super(message);
		}

	}

	private Map<String, Object> root = new LinkedHashMap<>();

	private final boolean keepEmptyBranches;

	OrderModel(boolean keepEmptyBranches) {
		this.keepEmptyBranches = keepEmptyBranches;
	}

	Map<String, Object> root() {
		return this.root;
	}

	@Nullable Object get(StatePath path) {
		Object node = this.root;
		for (String segment : path.segments()) {
			if (!(node instanceof Map<?, ?> map)) {
				return null;
			}
			node = map.get(segment);
		}
		return node;
	}

	/** Writes {@code value} at {@code path} ({@code null} deletes); returns whether anything changed. */
	boolean set(StatePath path, @Nullable Object value) {
		Map<String, Object> copy = copyOf(this.root);
		boolean changed = apply(copy, path.segments(), value);
		if (changed) {
			this.root = copy;
		}
		return changed;
	}

	@SuppressWarnings("unchecked")
	private boolean apply(Map<String, Object> root, List<String> segments, @Nullable Object value) {
		if (segments.isEmpty()) {
			if (value != null && !(value instanceof Map)) {
				throw new Refused("a leaf at the root");
			}
			Map<String, Object> replacement = (value == null) ? new LinkedHashMap<>() : (Map<String, Object>) copy(value);
			boolean changed = !Break20Support.sameJson(root, replacement);
			root.clear();
			root.putAll(replacement);
			return changed;
		}
		Map<String, Object> node = root;
		java.util.ArrayList<Map<String, Object>> trail = new java.util.ArrayList<>();
		for (int i = 0; i < segments.size() - 1; i++) {
			trail.add(node);
			Object child = node.get(segments.get(i));
			if (child == null) {
				if (value == null) {
					return false;
				}
				child = new LinkedHashMap<String, Object>();
				node.put(segments.get(i), child);
			}
			else if (!(child instanceof Map)) {
				if (value == null) {
					return false;
				}
				throw new Refused("below a leaf at " + segments.subList(0, i + 1));
			}
			node = (Map<String, Object>) child;
		}
		String last = segments.get(segments.size() - 1);
		Object before = node.get(last);
		if (value == null) {
			if (before == null) {
				return false;
			}
			node.remove(last);
			if (!this.keepEmptyBranches) {
				for (int i = trail.size() - 1; i >= 0 && node.isEmpty(); i--) {
					trail.get(i).remove(segments.get(i));
					node = trail.get(i);
				}
			}
			return true;
		}
		Object after = copy(value);
		if (before != null && Break20Support.sameJson(before, after)) {
			return false;
		}
		node.put(last, after);
		return true;
	}

	static Map<String, Object> copyOf(Map<String, Object> map) {
		@SuppressWarnings("unchecked")
		Map<String, Object> out = (Map<String, Object>) copy(map);
		return out;
	}

	static @Nullable Object copy(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			map.forEach((k, v) -> {
				if (v != null) {
					out.put((String) k, copy(v));
				}
			});
			return out;
		}
		return value;
	}

}
