package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * The due times the in-memory backend keeps with the leaves of its tree (DESIGN §12): a slot of a
 * {@link Branch} holding a {@link DueValue} has a time to live, so a write with one copies a single
 * path for its value and its due time. The write that replaces a subtree drops the due times below
 * (a new value carries none: {@link #strip}); a write below a slot with a due time keeps it. The
 * root has no slot: its lifetime, and every ephemeral one, stay in the {@link ExpiryIndex}.
 * Only branches are walked: a {@link DueValue} below an array, or in a value a caller holds, is
 * never read as a due time. Stateless, thread-safe.
 */
final class TreeDues {

	/** No due time. */
	static final long NONE = ExpiryIndex.NONE;

	/** Keeps the slot's due time as it is ({@link Lifetime#KEEP}: counters). */
	static final long KEEP = Long.MIN_VALUE;

	private TreeDues() {
	}

	/**
	 * Replaces the value at a path and sets its slot's due time, copying the branches on the way;
	 * the slots above keep theirs.
	 * @param root the root
	 * @param path the path written
	 * @param value the value ({@code null} deletes), stripped of due times already
	 * @param due the slot's due time, {@link #NONE} for none, {@link #KEEP} to keep the slot's
	 * @param previous receives the value that was there (first element) and its raw slot (second)
	 * @return the new root, {@code null} only when the root itself is deleted
	 */
	static @Nullable Object setIn(Object root, StatePath path, @Nullable Object value, long due,
			@Nullable Object[] previous) {
		if (path.isRoot()) {
			previous[0] = root;
			previous[1] = root;
			return value;
		}
		return setIn(root, path, 0, value, due, previous);
	}

	private static @Nullable Object setIn(@Nullable Object current, StatePath path, int index,
			@Nullable Object value, long due, @Nullable Object[] previous) {
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
			@SuppressWarnings("unchecked")
			Map<String, ?> cast = (Map<String, ?>) map;
			branch = ValueImport.branch(cast);
		}
		else {
			if (value == null) {
				return current;
			}
			throw new StateWriteException("Cannot write " + path + ": " + path.prefix(index)
					+ " holds a leaf value (" + TreeEdits.describe(current) + "), not a branch");
		}
		String key = path.segment(index);
		Object raw = branch.rawGet(key);
		Object child = Branch.unwrap(raw);
		if (index + 1 == path.depth()) {
			previous[0] = child;
			previous[1] = raw;
			if (value == null) {
				return (raw == null) ? branch : branch.without(key);
			}
			long slotDue = (due == KEEP) ? ((raw instanceof DueValue d) ? d.due() : NONE) : due;
			return branch.withRaw(key, (slotDue == NONE) ? value : new DueValue(value, slotDue));
		}
		Object updated = setIn(child, path, index + 1, value, due, previous);
		if (updated == child) {
			return branch;
		}
		if (updated == null) {
			return branch.without(key);
		}
		return branch.withRaw(key, (raw instanceof DueValue d) ? new DueValue(updated, d.due()) : updated);
	}

	/**
	 * A value to write, without the due times a branch read from a tree may carry in its slots (a
	 * written value has none).
	 * @param value the value
	 * @return the value, the same instance when it carries none
	 */
	static @Nullable Object strip(@Nullable Object value) {
		if (!(value instanceof Branch branch) || !branch.isTimed()) {
			return value;
		}
		PersistentOrderedMapBuilder<String, Object> builder = PersistentOrderedMap.builder();
		branch.children().forEach((key, raw) -> builder.put(key, strip(Branch.unwrap(raw))));
		return Branch.of(builder.build());
	}

	/**
	 * The tree a commit that changes no value publishes: the values and children's order of the tree
	 * before it, with the slots' due times the commit's writes left (DESIGN §12: an equal write with a
	 * time to live restarts it). So a revision reads one tree: {@code 1.0} stays for {@code 1.00}, a
	 * branch deleted and written again keeps its place, and an empty branch that a write in the commit
	 * took away and wrote again stays (README "A time to live could take an empty branch away").
	 * Children only the written tree has (empty branches a write made on its way) are left out, as a
	 * commit that changes nothing without lifetimes leaves them out. Only the written paths' slots
	 * and subtrees are walked (a write sets due times at and below its path, never above), so the
	 * cost is the writes' values', not the tree's.
	 * @param stored the tree before the commit
	 * @param written the tree the commit's writes made, equal in value to {@code stored} at every
	 * written path {@code stored} holds
	 * @param writes the commit's writes
	 * @return {@code stored} with {@code written}'s due times, {@code stored} itself when they are its own
	 */
	static Object keepValues(Object stored, Object written, List<Write> writes) {
		Object result = stored;
		@Nullable Object[] previous = new Object[2];
		for (int i = 0, n = writes.size(); i < n; i++) {
			StatePath path = writes.get(i).path();
			if (path.isRoot()) {
				return keptSubtree(stored, written);
			}
			Object storedRaw = rawAt(stored, path);
			Object writtenRaw = rawAt(written, path);
			if (storedRaw == null || writtenRaw == null) {
				continue;
			}
			Object child = Branch.unwrap(storedRaw);
			Object kept = keptSubtree(child, Branch.unwrap(writtenRaw));
			long due = (writtenRaw instanceof DueValue d) ? d.due() : NONE;
			long storedDue = (storedRaw instanceof DueValue d) ? d.due() : NONE;
			if (kept != child || due != storedDue) {
				Object updated = setIn(result, path, kept, due, previous);
				result = (updated != null) ? updated : result;
			}
		}
		return result;
	}

	/** The raw slot at a path (a {@link DueValue} when it has a due time), {@code null} when absent. */
	private static @Nullable Object rawAt(Object root, StatePath path) {
		Object current = root;
		for (int i = 0, depth = path.depth(); i < depth; i++) {
			Object raw;
			if (current instanceof Branch branch) {
				raw = branch.rawGet(path.segment(i));
			}
			else if (current instanceof Map<?, ?> map) {
				raw = map.get(path.segment(i));
			}
			else {
				return null;
			}
			if (raw == null || i == depth - 1) {
				return raw;
			}
			current = Branch.unwrap(raw);
		}
		return null;
	}

	/** {@link #keepValues} for one subtree: {@code stored}'s values with {@code written}'s due times. */
	private static Object keptSubtree(Object stored, @Nullable Object written) {
		if (stored == written) {
			return stored;
		}
		if (!(written instanceof Branch branch) || !branch.isTimed()) {
			// a value written whole carries no due time below its slot
			Object plain = strip(stored);
			return (plain != null) ? plain : stored;
		}
		Branch before;
		if (stored instanceof Branch b) {
			before = b;
		}
		else if (stored instanceof Map<?, ?> map) {
			@SuppressWarnings("unchecked")
			Map<String, ?> cast = (Map<String, ?>) map;
			before = ValueImport.branch(cast);
		}
		else {
			return stored;
		}
		PersistentOrderedMapBuilder<String, Object> builder = PersistentOrderedMap.builder();
		boolean[] differs = { before != stored };
		before.children().forEach((key, raw) -> {
			Object writtenRaw = branch.rawGet(key);
			Object child = Branch.unwrap(raw);
			Object kept = keptSubtree(child, Branch.unwrap(writtenRaw));
			long due = (writtenRaw instanceof DueValue d) ? d.due() : NONE;
			long storedDue = (raw instanceof DueValue d) ? d.due() : NONE;
			if (kept == child && due == storedDue) {
				builder.put(key, raw);
				return;
			}
			differs[0] = true;
			builder.put(key, (due == NONE) ? kept : new DueValue(kept, due));
		});
		return differs[0] ? Branch.of(builder.build()) : stored;
	}

	/**
	 * The due time of a path's own slot.
	 * @param root the root
	 * @param path the path (not the root)
	 * @return the due time, {@link #NONE} when the slot has none or the path is absent
	 */
	static long slotDue(Object root, StatePath path) {
		Object current = root;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			if (!(current instanceof Branch branch)) {
				return NONE;
			}
			Object raw = branch.rawGet(path.segment(i));
			if (i == depth - 1) {
				return (raw instanceof DueValue d) ? d.due() : NONE;
			}
			current = Branch.unwrap(raw);
		}
		return NONE;
	}

	/**
	 * The earliest due time of the slots of a path and its ancestors.
	 * @param root the root
	 * @param path the path
	 * @return the due time, {@link #NONE} when none has one
	 */
	static long dueAlong(Object root, StatePath path) {
		Object current = root;
		long min = NONE;
		for (int i = 0, depth = path.depth(); i < depth; i++) {
			if (!(current instanceof Branch branch)) {
				break;
			}
			Object raw = branch.rawGet(path.segment(i));
			if (raw instanceof DueValue d) {
				min = Math.min(min, d.due());
				current = d.value();
			}
			else {
				current = raw;
			}
		}
		return min;
	}

}
