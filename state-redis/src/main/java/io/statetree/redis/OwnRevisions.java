package io.statetree.redis;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The revisions one backend committed lately (DESIGN §8), so that its change feed can tell
 * entries trimmed before it read them that were all this backend's own (it would have skipped
 * them: nothing is lost) from a gap that lost other instances' commits (a resync). A ring of the
 * last {@value #CAPACITY} revisions: committing threads write it (one atomic increment and one
 * store per commit), the feed reads it only when it finds a gap. A revision recorded late, or
 * overwritten, makes the feed resynchronise as it would without this ring. When the namespace's
 * revision moves backwards (Redis came back empty: DESIGN §18) the feed {@linkplain #forgetAbove
 * forgets} the numbers above the new revision, which other instances may now take. Thread-safe.
 */
final class OwnRevisions {

	/** How many recent revisions are remembered; a power of two. */
	static final int CAPACITY = 4096;

	private final AtomicLongArray ring = new AtomicLongArray(CAPACITY);

	private final AtomicLong recorded = new AtomicLong();

	/**
	 * Remembers a revision this backend committed.
	 * @param revision the revision, at least 1
	 */
	void record(long revision) {
		int slot = (int) (this.recorded.getAndIncrement() & (CAPACITY - 1));
		this.ring.setRelease(slot, revision);
	}

	/**
	 * Forgets every remembered revision above one: after the namespace's revision moved back to
	 * it, those numbers are given out again, possibly to other instances, and must not pass for
	 * this backend's own. A revision recorded concurrently may be forgotten too: the feed then
	 * resynchronises where it could have skipped, never the other way round.
	 * @param revision the namespace's revision now
	 */
	void forgetAbove(long revision) {
		for (int i = 0; i < CAPACITY; i++) {
			long remembered = this.ring.getAcquire(i);
			if (remembered > revision) {
				this.ring.compareAndExchangeRelease(i, remembered, 0);
			}
		}
	}

	/**
	 * Tells whether every revision from {@code from} to {@code to} (inclusive) was committed by
	 * this backend and is still remembered.
	 * @param from the first revision, at least 1
	 * @param to the last revision
	 * @return {@code true} when all are remembered (also for an empty range)
	 */
	boolean containsAll(long from, long to) {
		long size = to - from + 1;
		if (size <= 0) {
			return true;
		}
		if (size > CAPACITY) {
			return false;
		}
		BitSet found = new BitSet((int) size);
		for (int i = 0; i < CAPACITY; i++) {
			long revision = this.ring.getAcquire(i);
			if (revision >= from && revision <= to) {
				found.set((int) (revision - from));
			}
		}
		return found.cardinality() == size;
	}

}
