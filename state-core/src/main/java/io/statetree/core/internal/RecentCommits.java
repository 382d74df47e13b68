package io.statetree.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitHistory;
import org.jspecify.annotations.Nullable;

/**
 * The controller's in-memory history (DESIGN §11, retention): the last {@code historySize}
 * commits that changed something, for a backend that keeps no history of its own. A ring of
 * small immutable entries; {@link Commit}s are built only when read. One writer, the holder of
 * the commit lock, appends each commit before it is routed to listeners (so a watch subscribed
 * before reading the history misses nothing); readers take no lock: an entry carries its
 * position, so a reader recognises a slot that was overwritten meanwhile, and the retention
 * horizon moves before the slot is overwritten, so a reader that checks {@link #retainedAfter()}
 * after reading knows whether something it needed was dropped.
 * <p>
 * Durable group listeners (DESIGN §13) read their events from here on a backend that keeps no
 * history: while a {@link Retention} says a commit about to be overwritten is still needed by a
 * group, the ring grows instead (doubling, up to {@link #GROUP_RETENTION_LIMIT} commits); past
 * that the commit is dropped and counted in {@link #neededLostThrough()}, so the group reports
 * the loss loudly. Thread-safe.
 */
final class RecentCommits implements CommitHistory {

	/** One retained commit, as the commit lock holder recorded it. */
	private record Entry(long position, long revision, long timeMillis, String origin, @Nullable String actor,
			long causedBy, List<Change> changes, boolean expiry) {

		Commit toCommit() {
			List<ChangedPath> changed = new ArrayList<>(this.changes.size());
			for (Change change : this.changes) {
				changed.add(new ChangedPath(change.path(), change.oldValue(), change.newValue()));
			}
			return new Commit(this.revision, Instant.ofEpochMilli(this.timeMillis), this.origin, this.actor, changed,
					this.causedBy, this.expiry);
		}

	}

	/**
	 * Tells whether a retained commit is still needed by a group listener (called with the commit
	 * lock held, when the commit is about to be overwritten; runs no user code).
	 */
	@FunctionalInterface
	interface Retention {

		boolean needed(long revision, String origin, List<Change> changes);

	}

	/** The most commits the ring grows to for group listeners. */
	static final int GROUP_RETENTION_LIMIT = 100_000;

	/** The slots and their number; replaced (larger) when the ring grows. */
	private record Ring(AtomicReferenceArray<@Nullable Entry> slots, int capacity) {
	}

	private volatile Ring ring;

	private volatile @Nullable Retention retention;

	/** The highest revision dropped while a group still needed it. */
	private final AtomicLong neededLost = new AtomicLong(-1);

	/** How many entries were ever appended (the next position). */
	private final AtomicLong appended = new AtomicLong();

	/** The revision after which every commit is retained. */
	private final AtomicLong retainedAfter;

	/** Whether revisions were appended in increasing order (false once a late remote commit came). */
	private volatile boolean ordered = true;

	/** The highest revision appended; only the writer reads it. */
	private long highest;

	/** The slot the next entry goes to; only the writer reads it. */
	private int nextSlot;

	/**
	 * Creates an empty history.
	 * @param capacity how many commits it keeps, 0 or more
	 * @param startRevision the revision the backend had when the controller started (earlier
	 * commits are not retained)
	 */
	RecentCommits(int capacity, long startRevision) {
		this.ring = new Ring(new AtomicReferenceArray<>(capacity), capacity);
		this.retainedAfter = new AtomicLong(startRevision);
		this.highest = startRevision;
	}

	/**
	 * Records a commit that changed something. Called with the commit lock held, before the
	 * commit is routed.
	 * @param changes the changes whose value changed (immutable)
	 */
	void append(long revision, String origin, @Nullable String actor, long causedBy, List<Change> changes) {
		append(revision, origin, actor, causedBy, changes, false);
	}

	/**
	 * Records a commit that changed something, telling whether it is an expiry commit. Called
	 * with the commit lock held, before the commit is routed.
	 */
	void append(long revision, String origin, @Nullable String actor, long causedBy, List<Change> changes,
			boolean expiry) {
		if (revision <= this.highest) {
			this.ordered = false;
		}
		else {
			this.highest = revision;
		}
		// the writer is the only one to change these, so it reads them plainly
		long position = this.appended.getPlain();
		Ring current = this.ring;
		Entry dropped = (current.capacity > 0) ? current.slots.getPlain(this.nextSlot) : null;
		Retention keep = this.retention;
		if (keep != null && (current.capacity == 0 || dropped != null) && (dropped == null || needed(keep, dropped))) {
			if (current.capacity < GROUP_RETENTION_LIMIT) {
				current = grow(current, position);
				dropped = null;
			}
			else if (dropped != null) {
				this.neededLost.accumulateAndGet(dropped.revision, Math::max);
			}
		}
		if (current.capacity == 0) {
			raiseHorizon(revision);
			return;
		}
		int slot = this.nextSlot;
		this.nextSlot = (slot + 1 == current.capacity) ? 0 : slot + 1;
		if (dropped != null) {
			// the horizon moves before the slot is overwritten: a reader that sees the new entry sees it too
			raiseHorizon(dropped.revision);
		}
		current.slots.setRelease(slot, new Entry(position, revision, System.currentTimeMillis(), origin, actor, causedBy,
				changes, expiry));
		this.appended.setRelease(position + 1);
	}

	/** Asks the retention; a failure keeps the commit (this runs after a commit: it must not throw). */
	private static boolean needed(Retention keep, Entry entry) {
		try {
			return keep.needed(entry.revision, entry.origin, entry.changes);
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	/**
	 * A larger ring holding the same entries, published before the next entry is appended (a
	 * reader reads {@link #appended} before the ring, so it never sees a position the ring it
	 * reads lacks).
	 */
	private Ring grow(Ring current, long position) {
		int capacity = (int) Math.min(GROUP_RETENTION_LIMIT, Math.max(16, 2L * current.capacity));
		AtomicReferenceArray<@Nullable Entry> slots = new AtomicReferenceArray<>(capacity);
		long start = Math.max(0, position - current.capacity);
		for (long p = start; p < position; p++) {
			Entry entry = current.slots.getPlain((int) (p % current.capacity));
			if (entry != null && entry.position == p) {
				slots.setPlain((int) (p % capacity), entry);
			}
		}
		Ring grown = new Ring(slots, capacity);
		this.ring = grown;
		this.nextSlot = (int) (position % capacity);
		return grown;
	}

	/**
	 * Keeps commits a group listener still needs (null: none does).
	 * @param retention the retention
	 */
	void retention(@Nullable Retention retention) {
		this.retention = retention;
	}

	/**
	 * Returns the highest revision dropped while a group listener still needed it.
	 * @return the revision, or -1 when none was
	 */
	long neededLostThrough() {
		return this.neededLost.get();
	}

	/**
	 * Notes that commits up to a revision may be missing (the change feed lost track of other
	 * instances' commits). Called with the commit lock held.
	 */
	void lostThrough(long revision) {
		raiseHorizon(revision);
	}

	private void raiseHorizon(long revision) {
		if (revision > this.retainedAfter.getPlain()) {
			this.retainedAfter.setRelease(revision);
		}
	}

	@Override
	public long retainedAfter() {
		return this.retainedAfter.get();
	}

	@Override
	public List<Commit> after(long afterRevision, int limit) {
		long end = this.appended.getAcquire();
		Ring current = this.ring;
		long start = Math.max(0, end - current.capacity);
		if (!this.ordered) {
			return unordered(current, afterRevision, limit, start, end);
		}
		// the first position whose revision is above afterRevision; an overwritten slot held an
		// older commit, so it counts as below
		long lo = start;
		long hi = end;
		while (lo < hi) {
			long mid = (lo + hi) >>> 1;
			Entry entry = at(current, mid);
			if (entry == null || entry.revision <= afterRevision) {
				lo = mid + 1;
			}
			else {
				hi = mid;
			}
		}
		List<Commit> commits = new ArrayList<>((int) Math.min(limit, end - lo));
		for (long position = lo; position < end && commits.size() < limit; position++) {
			Entry entry = at(current, position);
			if (entry == null) {
				// overwritten while reading: the caller sees the horizon moved past what it asked for
				break;
			}
			if (entry.revision > afterRevision) {
				commits.add(entry.toCommit());
			}
		}
		return commits;
	}

	/** Reads after commits were appended out of revision order: a scan, sorted. */
	private List<Commit> unordered(Ring current, long afterRevision, int limit, long start, long end) {
		List<Entry> found = new ArrayList<>();
		for (long position = start; position < end; position++) {
			Entry entry = at(current, position);
			if (entry != null && entry.revision > afterRevision) {
				found.add(entry);
			}
		}
		found.sort(Comparator.comparingLong(Entry::revision));
		List<Commit> commits = new ArrayList<>(Math.min(limit, found.size()));
		for (int i = 0; i < found.size() && i < limit; i++) {
			commits.add(found.get(i).toCommit());
		}
		return commits;
	}

	/** The entry at a position, or null when that slot now holds a later one. */
	private static @Nullable Entry at(Ring ring, long position) {
		Entry entry = ring.slots.getAcquire((int) (position % ring.capacity));
		return (entry != null && entry.position == position) ? entry : null;
	}

	@Override
	public String toString() {
		return "RecentCommits[capacity=" + this.ring.capacity + ", appended=" + this.appended.get() + ", retainedAfter="
				+ this.retainedAfter.get() + "]";
	}

}
