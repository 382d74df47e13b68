package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * Where the in-memory backend's tree may hold due times ({@link TreeDues}), to find what is due
 * without walking the tree: not authoritative, every hint is checked against the tree it is used
 * with. It holds a superset of the paths whose slot has a due time: the run of the last tidy (each
 * path with the due time its slot had then, in ascending order of due time, from
 * {@link #from} on not yet known to be gone) and the paths given a due time since whose slot had
 * none ({@link #recent}); a rewrite of a slot that had one adds no hint. {@link #sinceMin} bounds
 * every due time written since the tidy, so an entry of the run whose slot no longer has its due
 * time is due no earlier than that (or not at all), and {@code min(run[from], sinceMin)} is a
 * lower bound of every due time in the tree. Rewriting the same keys forever adds nothing; hints
 * added for new paths are dropped at the next tidy when their slot has no due time, and a tidy
 * comes at the latest when they outnumber twice the live entries of the last one (so memory is
 * bounded and the tidy costs O(1) per hint added, amortised). Immutable and thread-safe.
 */
final class DueHints {

	/** None. */
	static final DueHints EMPTY = new DueHints(new StatePath[0], new long[0], 0, null, 0, TreeDues.NONE);

	/** A tidy is due when the hints number more than twice the live entries of the last, plus this. */
	private static final int SLACK = 64;

	private final StatePath[] runPaths;

	private final long[] runDues;

	/** Entries of the run before this are known gone (their slots since rewritten or cleared). */
	private final int from;

	/** Paths given a due time since the tidy whose slot had none (newest first). */
	private final @Nullable Added recent;

	private final int recentCount;

	/** The earliest due time written since the tidy, {@link TreeDues#NONE} when none was. */
	private final long sinceMin;

	private record Added(StatePath path, @Nullable Added next) {
	}

	private DueHints(StatePath[] runPaths, long[] runDues, int from, @Nullable Added recent, int recentCount,
			long sinceMin) {
		this.runPaths = runPaths;
		this.runDues = runDues;
		this.from = from;
		this.recent = recent;
		this.recentCount = recentCount;
		this.sinceMin = sinceMin;
	}

	/**
	 * Tells whether no slot can have a due time.
	 * @return {@code true} when none can
	 */
	boolean isEmpty() {
		return this.recent == null && this.from == this.runPaths.length && this.sinceMin == TreeDues.NONE;
	}

	/**
	 * How many hints are kept (some may be gone), for tests of the bound.
	 * @return the number
	 */
	int size() {
		return this.runPaths.length - this.from + this.recentCount;
	}

	/**
	 * A lower bound of every due time in the tree.
	 * @return nanoseconds, {@link TreeDues#NONE} when none can be
	 */
	long bound() {
		long run = (this.from < this.runDues.length) ? this.runDues[this.from] : TreeDues.NONE;
		return Math.min(run, this.sinceMin);
	}

	/**
	 * The hints after a write gave a path's slot a due time.
	 * @param path the path
	 * @param due the due time
	 * @param hadDue whether the slot had a due time before (then its path is hinted already)
	 * @return the hints, this instance when nothing changes
	 */
	DueHints written(StatePath path, long due, boolean hadDue) {
		if (hadDue) {
			return (due >= this.sinceMin) ? this
					: new DueHints(this.runPaths, this.runDues, this.from, this.recent, this.recentCount, due);
		}
		return new DueHints(this.runPaths, this.runDues, this.from, new Added(path, this.recent),
				this.recentCount + 1, Math.min(this.sinceMin, due));
	}

	/**
	 * Tells whether the hints added since the last tidy outnumber what it found.
	 * @return {@code true} when a tidy should come now
	 */
	boolean needsTidy() {
		return this.recentCount > 2 * (this.runPaths.length - this.from) + SLACK;
	}

	/**
	 * A tidy against a tree: every hinted path whose slot has a due time, with it, in order.
	 * @param root the tree the hints go with
	 * @return the tidied hints ({@link #EMPTY} when no slot has one)
	 */
	DueHints tidy(Object root) {
		Set<StatePath> seen = new HashSet<>();
		List<StatePath> paths = new ArrayList<>();
		List<Long> dues = new ArrayList<>();
		for (Added a = this.recent; a != null; a = a.next()) {
			collect(root, a.path(), seen, paths, dues);
		}
		for (int i = 0; i < this.runPaths.length; i++) {
			collect(root, this.runPaths[i], seen, paths, dues);
		}
		int n = paths.size();
		if (n == 0) {
			return EMPTY;
		}
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> Long.compare(dues.get(a), dues.get(b)));
		StatePath[] sortedPaths = new StatePath[n];
		long[] sortedDues = new long[n];
		for (int i = 0; i < n; i++) {
			sortedPaths[i] = paths.get(order[i]);
			sortedDues[i] = dues.get(order[i]);
		}
		return new DueHints(sortedPaths, sortedDues, 0, null, 0, TreeDues.NONE);
	}

	private static void collect(Object root, StatePath path, Set<StatePath> seen, List<StatePath> paths,
			List<Long> dues) {
		if (seen.add(path)) {
			long due = TreeDues.slotDue(root, path);
			if (due != TreeDues.NONE) {
				paths.add(path);
				dues.add(due);
			}
		}
	}

	/**
	 * These hints made exact where it matters at a time, against a tree: afterwards either
	 * {@link #bound()} is after {@code now}, or it is the exact earliest due time and the entries of
	 * the run from {@link #from} hold their due times. Skips the run's gone entries, and tidies
	 * when the earliest due time may be among the entries written since the last tidy.
	 * @param root the tree the hints go with
	 * @param now the current time
	 * @return the hints, this instance when already so
	 */
	DueHints settle(Object root, long now) {
		if (bound() > now) {
			return this;
		}
		int i = this.from;
		while (i < this.runPaths.length && TreeDues.slotDue(root, this.runPaths[i]) != this.runDues[i]) {
			i++;
		}
		long first = (i < this.runDues.length) ? this.runDues[i] : TreeDues.NONE;
		if (first <= this.sinceMin || this.sinceMin > now) {
			if (i == this.from) {
				return this;
			}
			if (i == this.runPaths.length && this.recent == null && this.sinceMin == TreeDues.NONE) {
				return EMPTY;
			}
			return new DueHints(this.runPaths, this.runDues, i, this.recent, this.recentCount, this.sinceMin);
		}
		return tidy(root);
	}

	/**
	 * Every path whose slot is due at a time (some may lie below others), against a tree.
	 * @param root the tree the hints go with
	 * @param now the current time
	 * @return the paths, in ascending order of due time
	 */
	List<StatePath> dueAt(Object root, long now) {
		if (bound() > now) {
			return List.of();
		}
		DueHints exact = (this.sinceMin <= now) ? tidy(root) : this;
		List<StatePath> due = new ArrayList<>();
		for (int i = exact.from; i < exact.runPaths.length && exact.runDues[i] <= now; i++) {
			if (TreeDues.slotDue(root, exact.runPaths[i]) == exact.runDues[i]) {
				due.add(exact.runPaths[i]);
			}
		}
		return due;
	}

	/**
	 * Every path whose slot has a due time, with it, against a tree.
	 * @param root the tree the hints go with
	 * @param into receives path and due time
	 */
	void forEachLive(Object root, java.util.function.ObjLongConsumer<StatePath> into) {
		DueHints all = tidy(root);
		for (int i = 0; i < all.runPaths.length; i++) {
			into.accept(all.runPaths[i], all.runDues[i]);
		}
	}

	@Override
	public String toString() {
		return "DueHints[run " + (this.runPaths.length - this.from) + ", recent " + this.recentCount + ", since "
				+ this.sinceMin + "]";
	}

}
