package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * A checked {@code setAll} (DESIGN §15, Firebase's multi-path update): every path parsed, every
 * value mapped, and paths where one lies inside another checked to agree, all before anything is
 * written. Two paths agree when the outer write's value, read at the inner path, equals the inner
 * write's value ({@code /a → {b: 1}} with {@code /a/b → 1}); a write under a leaf or under a delete
 * of the same call ({@code /a → 5} with {@code /a/b → 1}) is refused with
 * {@link StateWriteException}. Writes inside an outer write that agrees with them are redundant and
 * dropped, so the plan holds no path inside another. Immutable once built.
 */
final class MultiWrite {

	/** One planned write: the parsed path, the mapped model ({@code null} deletes). */
	record Entry(StatePath path, @Nullable Object model) {
	}

	private final List<Entry> entries;

	private MultiWrite(List<Entry> entries) {
		this.entries = List.copyOf(entries);
	}

	/** The writes to make, none inside another, outer paths first. */
	List<Entry> entries() {
		return this.entries;
	}

	/**
	 * Checks and maps the writes of one {@code setAll}.
	 * @param writes paths (as strings) to values, {@code null} values deleting
	 * @param converter maps the values
	 * @return the plan
	 * @throws NullPointerException when the map is null
	 * @throws io.statetree.core.InvalidPathException when a path is null or not valid
	 * @throws io.statetree.core.StateValueException when a value cannot be mapped
	 * @throws StateWriteException when two paths disagree, or a non-object is written at the root
	 */
	static MultiWrite plan(Map<String, ?> writes, ValueConverter converter) {
		Objects.requireNonNull(writes, "writes");
		Map<StatePath, Entry> byPath = new HashMap<>();
		List<Entry> all = new ArrayList<>(writes.size());
		for (Map.Entry<String, ?> write : writes.entrySet()) {
			// a null path is refused as set's is, with InvalidPathException
			StatePath path = StatePath.of(write.getKey());
			Object model = converter.toModel(path, write.getValue());
			if (path.isRoot() && model != null && !StateValues.isBranch(model)) {
				throw new StateWriteException("Cannot write a non-object value at /: the root is always a branch");
			}
			Entry entry = new Entry(path, model);
			Entry same = byPath.putIfAbsent(path, entry);
			if (same != null) {
				if (!StateValues.equal(same.model(), model)) {
					throw new StateWriteException("setAll writes " + path
							+ " twice (spelled two ways) with different values; nothing was written");
				}
				continue;
			}
			all.add(entry);
		}
		all.sort(Comparator.comparingInt((Entry e) -> e.path().depth()));
		List<Entry> outermost = new ArrayList<>(all.size());
		for (Entry entry : all) {
			Entry outer = outerOf(entry.path(), byPath);
			if (outer == null) {
				outermost.add(entry);
				continue;
			}
			StatePath relative = outer.path().relativize(entry.path());
			Object expected = (outer.model() != null) ? StateValues.getIn(outer.model(), relative) : null;
			if (!StateValues.equal(expected, entry.model())) {
				throw new StateWriteException("setAll writes " + entry.path() + " inside " + outer.path()
						+ ((outer.model() == null) ? ", which it deletes" : " with a different value, or under a leaf")
						+ "; nothing was written");
			}
		}
		return new MultiWrite(outermost);
	}

	/**
	 * Makes the planned writes as one batch (joining the batch open on this thread, if any), so
	 * they commit atomically, run the derivations they trigger once and are heard once per path.
	 * Inside an outer batch the writes are first tried on a copy of its view, so a refused write
	 * leaves the outer batch as it was.
	 * @param batches the controller's batches
	 * @return whether anything changed
	 * @throws StateWriteException when a write runs under a stored leaf; nothing was written
	 */
	boolean apply(BatchRunner batches) {
		// the batch these writes join, a Spring transaction's opened now when it is the first write
		Batch outer = batches.forWrite();
		if (outer != null) {
			TxView probe = outer.tx.fork();
			for (Entry entry : this.entries) {
				probe.add(new Write(entry.path(), entry.model(), null));
			}
		}
		return batches.run(() -> {
			Batch batch = Objects.requireNonNull(batches.current(), "batch");
			boolean changed = false;
			for (Entry entry : this.entries) {
				changed |= batch.set(entry.path(), entry.model(), entry.model(), null, null, null);
			}
			return changed;
		});
	}

	/** The nearest write of the same call on an ancestor of the path, or null. */
	private static @Nullable Entry outerOf(StatePath path, Map<StatePath, Entry> byPath) {
		for (int depth = path.depth() - 1; depth >= 0; depth--) {
			Entry outer = byPath.get(path.prefix(depth));
			if (outer != null) {
				return outer;
			}
		}
		return null;
	}

}
