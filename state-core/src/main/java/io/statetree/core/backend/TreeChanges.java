package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * What a commit changed (DESIGN §4 commits, §7 backends: a commit returns the previous values):
 * one {@link Change} per distinct written path, in order of first write, carrying the last
 * payload given for that path, with old and new values taken either from whole trees before and
 * after or from the values before and the writes. The one place every backend computes this.
 * Stateless, thread-safe.
 */
final class TreeChanges {

	private TreeChanges() {
	}

	/**
	 * The distinct written paths in order of first write, each with the last non-{@code null}
	 * payload written there ({@code null} when none was).
	 */
	static Map<StatePath, @Nullable Object> lastPayloads(List<Write> writes) {
		Map<StatePath, @Nullable Object> payloads = new LinkedHashMap<>(writes.size() * 2);
		for (Write write : writes) {
			Object payload = write.payload();
			payloads.put(write.path(), (payload != null) ? payload : payloads.get(write.path()));
		}
		return payloads;
	}

	/** The changes between two whole trees, for the paths the writes name. */
	static List<Change> betweenRoots(Map<String, Object> before, Map<String, Object> after, List<Write> writes) {
		if (writes.size() == 1) {
			Write w = writes.get(0);
			return List.of(new Change(w.path(), TreeEdits.getIn(before, w.path()), TreeEdits.getIn(after, w.path()),
					w.payload()));
		}
		if (writes.size() <= FEW_WRITES) {
			return betweenRootsFew(before, after, writes);
		}
		Map<StatePath, @Nullable Object> payloads = lastPayloads(writes);
		List<Change> changes = new ArrayList<>(payloads.size());
		@Nullable Object[] walk = new Object[3];
		for (Map.Entry<StatePath, @Nullable Object> entry : payloads.entrySet()) {
			changes.add(change(before, after, entry.getKey(), entry.getValue(), walk));
		}
		return changes;
	}

	/**
	 * The change at a path between two whole trees. Paths written side by side (the derivations
	 * {@code /dag/n1}, {@code /dag/n2}) share their parents: {@code walk} holds the last path whose
	 * parents were looked up and those parents in both trees, so a sibling costs one lookup in each.
	 */
	private static Change change(Map<String, Object> before, Map<String, Object> after, StatePath path,
			@Nullable Object payload, @Nullable Object[] walk) {
		int depth = path.depth();
		if (depth == 0) {
			return new Change(path, before, after, payload);
		}
		Object beforeParent;
		Object afterParent;
		if (walk[0] instanceof StatePath previous && siblings(previous, path)) {
			beforeParent = walk[1];
			afterParent = walk[2];
		}
		else {
			beforeParent = TreeEdits.getIn(before, path, depth - 1);
			afterParent = TreeEdits.getIn(after, path, depth - 1);
			walk[0] = path;
			walk[1] = beforeParent;
			walk[2] = afterParent;
		}
		String last = path.segment(depth - 1);
		return new Change(path, (beforeParent != null) ? TreeEdits.child(beforeParent, last) : null,
				(afterParent != null) ? TreeEdits.child(afterParent, last) : null, payload);
	}

	/** Whether two paths of the same depth have the same parent. */
	private static boolean siblings(StatePath a, StatePath b) {
		int depth = a.depth();
		if (depth != b.depth()) {
			return false;
		}
		for (int i = depth - 2; i >= 0; i--) {
			if (!a.segment(i).equals(b.segment(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Up to this many writes, {@link #betweenRoots} finds the distinct paths by comparing each
	 * with the others (their hashes are cached) instead of filling a map: a commit of a source and
	 * the few derivations it feeds.
	 */
	private static final int FEW_WRITES = 16;

	/** {@link #betweenRoots} for a few writes: the same changes, in the same order, without a map. */
	private static List<Change> betweenRootsFew(Map<String, Object> before, Map<String, Object> after,
			List<Write> writes) {
		int n = writes.size();
		List<Change> changes = new ArrayList<>(n);
		@Nullable Object[] walk = new Object[3];
		for (int i = 0; i < n; i++) {
			StatePath path = writes.get(i).path();
			if (writtenBefore(writes, i, path)) {
				continue;
			}
			// the last payload given for the path (lastPayloads keeps the last non-null one)
			Object payload = null;
			for (int k = n - 1; k >= i && payload == null; k--) {
				Write later = writes.get(k);
				if (later.payload() != null && samePath(later.path(), path)) {
					payload = later.payload();
				}
			}
			changes.add(change(before, after, path, payload, walk));
		}
		return changes;
	}

	/** Whether one of the first {@code i} writes names the path. */
	private static boolean writtenBefore(List<Write> writes, int i, StatePath path) {
		for (int j = 0; j < i; j++) {
			if (samePath(writes.get(j).path(), path)) {
				return true;
			}
		}
		return false;
	}

	private static boolean samePath(StatePath a, StatePath b) {
		return a == b || (a.hashCode() == b.hashCode() && a.equals(b));
	}

	/**
	 * The changes of writes to paths whose values before are known one by one (a backend that
	 * does not hold the whole tree): each new value is {@link TreeEdits#valueAfter} the old one.
	 * @param payloads {@link #lastPayloads} of the writes
	 * @param before the value before at each of those paths ({@code null} for absent)
	 * @param backend the backend the values before were read from, asked where a leaf lies
	 * above a path a delete may reach below
	 */
	static List<Change> fromValuesBefore(Map<StatePath, @Nullable Object> payloads,
			Map<StatePath, @Nullable Object> before, List<Write> writes, StateBackend backend) {
		boolean deletes = false;
		for (Write write : writes) {
			deletes |= write.value() == null;
		}
		List<Change> changes = new ArrayList<>(payloads.size());
		for (Map.Entry<StatePath, @Nullable Object> entry : payloads.entrySet()) {
			StatePath path = entry.getKey();
			Object old = before.get(path);
			// only a delete can reach below a leaf (a value there is refused): look for one then
			int leafDepth = deletes ? TreeEdits.leafDepth(backend, path, old) : path.depth();
			changes.add(new Change(path, old, TreeEdits.valueAfter(path, old, leafDepth, writes, 0), entry.getValue()));
		}
		return changes;
	}

	static boolean unchanged(List<Change> changes) {
		if (!(changes instanceof java.util.RandomAccess)) {
			return unchanged(List.copyOf(changes));
		}
		// indexed: no iterator per commit
		for (int i = 0, n = changes.size(); i < n; i++) {
			Change change = changes.get(i);
			if (!ValueEquality.equal(change.oldValue(), change.newValue())) {
				return false;
			}
		}
		return true;
	}

}
