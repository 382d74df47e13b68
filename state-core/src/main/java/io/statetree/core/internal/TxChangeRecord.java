package io.statetree.core.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

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
 * While the record is exact, change {@code k} is the change of the commit's write {@code k}, and
 * the record knows for each whether its value surely differs from the snapshot's
 * ({@link #surelyChanged}): the writer said so when it noted it (a derivation whose JSON equality
 * found the value different, or a write compared on its walk). A record whose changes all surely
 * differ hands them out as a list {@link RealChanges} keeps as it is.
 * <p>
 * Not thread-safe: owned by one {@link TxView}, which is confined to the committing thread.
 */
final class TxChangeRecord {

	/**
	 * At most this many changes are recorded (each new write is compared with the recorded ones
	 * it may touch): a larger commit (a DAG's) is diffed from its roots, where paths are told
	 * apart by a map.
	 */
	private static final int MAX_RECORDED = 16;

	/**
	 * The changes noted, in order, as pairs: the write ({@link Write}) and the value its walk found
	 * before it; null once {@link #changes} handed them out. The {@link Change}s themselves are
	 * made only when read ({@link Recorded#get}): a commit nobody listens to reads one.
	 */
	private Object @Nullable [] recorded = new Object[MAX_RECORDED * 2];

	private int size;

	/** Bit {@code k}: change {@code k} surely changed its value. */
	private int real;

	private @Nullable Recorded handedOut;

	/** How many changes are noted. */
	int size() {
		return this.size;
	}

	/**
	 * Notes the change a write made on its own walk, unless the record would no longer be exact:
	 * the write deletes, is at the root, or lies at, above or below an earlier write (then its
	 * value before is not the snapshot's, or an earlier change's value after moved), or the record
	 * is full.
	 * @param write the write just applied
	 * @param before the value its walk found at its path (null for absent)
	 * @param changed whether the writer knows the value now differs from {@code before} (JSON
	 * equality); false when it does not know
	 * @return true when the change was noted; false when the record is no longer exact (nothing
	 * was noted, and the caller must drop the record)
	 */
	boolean note(Write write, @Nullable Object before, boolean changed) {
		return noteAfter(write, before, changed, this.size);
	}

	/**
	 * {@link #note}, for a write whose path the caller knows to be unrelated to the changes from
	 * {@code unrelatedFrom} on (children of one branch, each written once): only the earlier
	 * changes are compared with it.
	 */
	boolean noteAfter(Write write, @Nullable Object before, boolean changed, int unrelatedFrom) {
		Object[] changes = this.recorded;
		StatePath path = write.path();
		if (changes == null || write.value() == null || path.isRoot() || this.size == MAX_RECORDED) {
			return false;
		}
		for (int i = 0, n = Math.min(unrelatedFrom, this.size); i < n; i++) {
			if (related(((Write) changes[i << 1]).path(), path)) {
				return false;
			}
		}
		if (changed) {
			this.real |= 1 << this.size;
		}
		changes[this.size << 1] = write;
		changes[(this.size << 1) + 1] = before;
		this.size++;
		return true;
	}

	/**
	 * Whether a recorded change lies at, above or below the path: when none does, none lies at,
	 * above or below a child of it either, so writes of its children need not be compared with
	 * these ({@link #noteAfter} from {@link #size()}).
	 */
	boolean touches(StatePath path) {
		Object[] changes = this.recorded;
		if (changes == null) {
			return true;
		}
		for (int i = 0; i < this.size; i++) {
			if (related(((Write) changes[i << 1]).path(), path)) {
				return true;
			}
		}
		return false;
	}

	/** Whether change {@code k} surely changed the value at its path from the snapshot's. */
	boolean surelyChanged(int k) {
		return k < this.size && (this.real & (1 << k)) != 0;
	}

	/**
	 * The changes noted, one per write in order, as {@link StateValues#changes} gives them; the
	 * record is closed by this call (a later {@link #note} returns false).
	 * @return an immutable list
	 */
	List<Change> changes() {
		Recorded list = this.handedOut;
		if (list == null) {
			Object[] changes = (this.recorded != null) ? this.recorded : new Object[0];
			list = new Recorded(changes, this.size, this.real == (1 << this.size) - 1);
			this.handedOut = list;
			this.recorded = null;
		}
		return list;
	}

	/** Whether one path is the other or lies below it. */
	private static boolean related(StatePath a, StatePath b) {
		int da = a.depth();
		int db = b.depth();
		if (da == db && a.hashCode() != b.hashCode()) {
			return false;
		}
		for (int i = Math.min(da, db) - 1; i >= 0; i--) {
			String x = a.segment(i);
			String y = b.segment(i);
			// segments are other String instances; their cached hashes tell most apart
			if (x != y && (x.hashCode() != y.hashCode() || !x.equals(y))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * A record's changes as handed out: immutable (the array of writes and values before is no
	 * longer written once the record is closed, and never leaves this list). {@link #allChanged}
	 * tells that every change surely changed its value, so {@link RealChanges} has nothing to
	 * filter.
	 * <p>
	 * Each {@link Change} is made the first time it is read and kept: a commit that no listener,
	 * effect or history reader reads makes one (the backend asks whether the first changed
	 * anything) instead of one per write. Thread-safe: the list is read by the listeners' and
	 * history readers' threads; a change made by two threads at once is made twice, equal, and one
	 * of them kept (a {@code Change} is an immutable record, safe to publish without a lock).
	 */
	static final class Recorded extends AbstractList<Change> implements RandomAccess {

		/** Pairs: write {@code k} at {@code 2k}, the value before it at {@code 2k + 1}. */
		private final Object[] changes;

		/** The changes made so far, by index; null until one is read. */
		private Change @Nullable [] made;

		private final int size;

		private final boolean allChanged;

		Recorded(Object[] changes, int size, boolean allChanged) {
			this.changes = changes;
			this.size = size;
			this.allChanged = allChanged;
		}

		boolean allChanged() {
			return this.allChanged;
		}

		@Override
		public Change get(int index) {
			if (index < 0 || index >= this.size) {
				throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + this.size);
			}
			Change[] known = this.made;
			if (known == null) {
				known = new Change[this.size];
				this.made = known;
			}
			Change change = known[index];
			if (change == null) {
				Write write = (Write) this.changes[index << 1];
				change = new Change(write.path(), this.changes[(index << 1) + 1], write.value(), write.payload());
				known[index] = change;
			}
			return change;
		}

		@Override
		public int size() {
			return this.size;
		}

	}

}
