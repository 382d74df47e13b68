package io.statetree.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The model: values per path (two levels) and times to live per path, applied as DESIGN §12
 * says: a write drops the entries at and below its path, then puts its own (an increment keeps
 * the one at its path); ancestors keep theirs. A committed time to live keeps its full length
 * here; the check allows for its count-down.
 */
final class BatchReadsModel {

	final Map<String, Object> root = new LinkedHashMap<>();

	final Map<StatePath, Duration> lifetimes = new HashMap<>();

	BatchReadsModel copy() {
		BatchReadsModel copy = new BatchReadsModel();
		this.root.forEach((k, v) -> copy.root.put(k, (v instanceof Map<?, ?> m) ? new LinkedHashMap<>(m) : v));
		copy.lifetimes.putAll(this.lifetimes);
		return copy;
	}

	@Nullable Object value(StatePath path) {
		Object top = this.root.get(path.segment(0));
		if (path.depth() == 1) {
			return top;
		}
		return (top instanceof Map<?, ?> map) ? map.get(path.segment(1)) : null;
	}

	/**
	 * One write.
	 * @param ttl the time to live it writes, or null
	 * @param keep whether it keeps the lifetime at its path (an increment)
	 * @param lifetime whether it writes a lifetime (a time to live or ephemeral); either way a
	 * value equal to the one there is not written but its lifetime applies, none making it
	 * permanent (README "Rewrites", break issue 14)
	 */
	void write(StatePath path, @Nullable Object value, @Nullable Duration ttl, boolean keep, boolean lifetime) {
		if (Objects.equals(value(path), value)) {
			if (value != null && !keep) {
				this.lifetimes.keySet().removeIf(path::isAncestorOrSelf);
				if (ttl != null) {
					this.lifetimes.put(path, ttl);
				}
			}
			return;
		}
		write(path, value, ttl, keep);
	}

	@SuppressWarnings("unchecked")
	private void write(StatePath path, @Nullable Object value, @Nullable Duration ttl, boolean keep) {
		String top = path.segment(0);
		if (path.depth() == 1) {
			if (value == null) {
				this.root.remove(top);
			}
			else {
				this.root.put(top, new LinkedHashMap<>((Map<String, Object>) value));
			}
		}
		else {
			Object parent = this.root.get(top);
			Map<String, Object> branch;
			if (parent instanceof Map<?, ?> map) {
				branch = (Map<String, Object>) map;
			}
			else {
				branch = new LinkedHashMap<>();
				if (value != null) {
					this.root.put(top, branch);
				}
			}
			if (value == null) {
				branch.remove(path.segment(1));
			}
			else {
				branch.put(path.segment(1), value);
			}
		}
		Duration own = this.lifetimes.get(path);
		this.lifetimes.keySet().removeIf(path::isAncestorOrSelf);
		if (keep && own != null && value != null) {
			this.lifetimes.put(path, own);
		}
		else if (ttl != null && value != null) {
			this.lifetimes.put(path, ttl);
		}
	}

	@Nullable Duration timeToLive(StatePath path) {
		Duration earliest = null;
		for (int depth = 0; depth <= path.depth(); depth++) {
			Duration ttl = this.lifetimes.get(path.prefix(depth));
			if (ttl != null && (earliest == null || ttl.compareTo(earliest) < 0)) {
				earliest = ttl;
			}
		}
		return earliest;
	}


	/** The property's derivation {@code /d/sum}: the sum of the integers under {@code /a}, 0 without any. */
	static int sum(@Nullable Object a) {
		int sum = 0;
		if (AbstractBatchReadsProperties.pruned(a) instanceof Map<?, ?> map) {
			for (Object v : map.values()) {
				if (v instanceof Integer n) {
					sum += n;
				}
			}
		}
		return sum;
	}

	/** The property's tracked derivation {@code /d/px}: ten times {@code /persistent/x}, absent without it. */
	static @Nullable Integer px(@Nullable Object x) {
		return (AbstractBatchReadsProperties.pruned(x) instanceof Integer n) ? n * 10 : null;
	}

	/**
	 * The value the tree should hold at a path, derived values included when they are registered.
	 * @param derive whether the property's derivations are registered
	 */
	@Nullable Object expected(StatePath path, boolean derive) {
		if (path.depth() >= 1 && path.segment(0).equals("d")) {
			if (!derive) {
				return null;
			}
			Map<String, Object> d = new LinkedHashMap<>();
			d.put("sum", sum(value(StatePath.of("/a"))));
			Integer px = px(value(StatePath.of("/persistent/x")));
			if (px != null) {
				d.put("px", px);
			}
			return (path.depth() == 1) ? d : d.get(path.segment(1));
		}
		return AbstractBatchReadsProperties.pruned(value(path));
	}

}
