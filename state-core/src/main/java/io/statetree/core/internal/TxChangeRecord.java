package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The record of a commit's changes as its writes are applied to the snapshot it started from
 * (one change per write: the value the write's own walk found at its path and the value it put),
 * used instead of diffing the snapshot and the applied root while the two would give exactly the
 * same changes. A record that can no longer be exact says so ({@link #note} returns false) and
 * must then be dropped: the roots are compared instead.
 * <p>
 * Not thread-safe: owned by one {@link TxView}, which is confined to the committing thread.
 */
final class TxChangeRecord {

	/**
	 * At most this many changes are recorded (each new write is compared with every recorded
	 * one): a larger commit (a DAG's) is diffed from its roots, where paths are told apart by a map.
	 */
	private static final int MAX_RECORDED = 16;

	private final List<Change> changes = new ArrayList<>();

	/**
	 * Notes the change a write made on its own walk, unless the record would no longer be exact:
	 * the write deletes, is at the root, or lies at, above or below an earlier write (then its
	 * value before is not the snapshot's, or an earlier change's value after moved), or the record
	 * is full.
	 * @param write the write just applied
	 * @param before the value its walk found at its path (null for absent)
	 * @return true when the change was noted; false when the record is no longer exact (nothing
	 * was noted, and the caller must drop the record)
	 */
	boolean note(Write write, @Nullable Object before) {
		List<Change> recorded = this.changes;
		StatePath path = write.path();
		if (write.value() == null || path.isRoot() || recorded.size() == MAX_RECORDED) {
			return false;
		}
		for (int i = 0, n = recorded.size(); i < n; i++) {
			if (related(recorded.get(i).path(), path)) {
				return false;
			}
		}
		recorded.add(new Change(path, before, write.value(), write.payload()));
		return true;
	}

	/**
	 * The changes noted so far, one per write in order, as {@link StateValues#changes} gives them.
	 * @return an unmodifiable view of the record (it sees changes noted later)
	 */
	List<Change> changes() {
		return Collections.unmodifiableList(this.changes);
	}

	/** Whether one path is the other or lies below it. */
	private static boolean related(StatePath a, StatePath b) {
		int da = a.depth();
		int db = b.depth();
		if (da == db && a.hashCode() != b.hashCode()) {
			return false;
		}
		for (int i = Math.min(da, db) - 1; i >= 0; i--) {
			if (!a.segment(i).equals(b.segment(i))) {
				return false;
			}
		}
		return true;
	}

}
