package io.statetree.core.backend;

import java.util.Arrays;

import io.statetree.core.StatePath;

/**
 * The earliest due times of an {@link ExpiryIndex} as one full scan of its trie found them:
 * the smallest quarter of them (at least four) in ascending order with their paths, and the
 * earliest due time of every other entry then present ({@link #rest()}). Indexes made after the
 * scan keep the run and check its entries against their trie one by one (an entry counts while
 * its path still has that due time), so entries falling due one after another cost a lookup
 * each instead of a scan. Immutable and thread-safe.
 */
final class DueRun {

	/** The fewest entries a run keeps when the scan finds that many. */
	private static final int MIN_LENGTH = 4;

	private final long[] dues;

	private final StatePath[] paths;

	private final long rest;

	private DueRun(long[] dues, StatePath[] paths, long rest) {
		this.dues = dues;
		this.paths = paths;
		this.rest = rest;
	}

	/**
	 * The run of the entries a scan found.
	 * @param dues their due times (this array is reordered)
	 * @param paths their paths, at the same positions
	 * @param count how many of the arrays' slots are used
	 * @return the run
	 */
	static DueRun of(long[] dues, StatePath[] paths, int count) {
		Integer[] order = new Integer[count];
		for (int i = 0; i < count; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> Long.compare(dues[a], dues[b]));
		int length = Math.min(count, Math.max(MIN_LENGTH, count / 4));
		long[] keptDues = new long[length];
		StatePath[] keptPaths = new StatePath[length];
		for (int i = 0; i < length; i++) {
			keptDues[i] = dues[order[i]];
			keptPaths[i] = paths[order[i]];
		}
		return new DueRun(keptDues, keptPaths, (length < count) ? dues[order[length]] : ExpiryIndex.NONE);
	}

	int length() {
		return this.dues.length;
	}

	long due(int i) {
		return this.dues[i];
	}

	StatePath path(int i) {
		return this.paths[i];
	}

	/**
	 * The earliest due time of the entries the scan found and left out of the run.
	 * @return it, {@link ExpiryIndex#NONE} when the run holds them all
	 */
	long rest() {
		return this.rest;
	}

	/**
	 * The first position whose due time is at or after a time.
	 * @param floor the time
	 * @return the position, {@link #length()} when none is
	 */
	int firstAtLeast(long floor) {
		int low = 0;
		int high = this.dues.length;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (this.dues[mid] < floor) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return low;
	}

}
