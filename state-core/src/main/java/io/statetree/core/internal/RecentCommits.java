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
 * after reading knows whether something it needed was dropped. Thread-safe.
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

	private final AtomicReferenceArray<@Nullable Entry> slots;

	private final int capacity;

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
		this.capacity = capacity;
		this.slots = new AtomicReferenceArray<>(capacity);
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
		if (this.capacity == 0) {
			raiseHorizon(revision);
			return;
		}
		// the writer is the only one to change these, so it reads them plainly
		long position = this.appended.getPlain();
		int slot = this.nextSlot;
		this.nextSlot = (slot + 1 == this.capacity) ? 0 : slot + 1;
		Entry dropped = this.slots.getPlain(slot);
		if (dropped != null) {
			// the horizon moves before the slot is overwritten: a reader that sees the new entry sees it too
			raiseHorizon(dropped.revision);
		}
		this.slots.setRelease(slot, new Entry(position, revision, System.currentTimeMillis(), origin, actor, causedBy,
				changes, expiry));
		this.appended.setRelease(position + 1);
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
		long start = Math.max(0, end - this.capacity);
		if (!this.ordered) {
			return unordered(afterRevision, limit, start, end);
		}
		// the first position whose revision is above afterRevision; an overwritten slot held an
		// older commit, so it counts as below
		long lo = start;
		long hi = end;
		while (lo < hi) {
			long mid = (lo + hi) >>> 1;
			Entry entry = at(mid);
			if (entry == null || entry.revision <= afterRevision) {
				lo = mid + 1;
			}
			else {
				hi = mid;
			}
		}
		List<Commit> commits = new ArrayList<>((int) Math.min(limit, end - lo));
		for (long position = lo; position < end && commits.size() < limit; position++) {
			Entry entry = at(position);
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
	private List<Commit> unordered(long afterRevision, int limit, long start, long end) {
		List<Entry> found = new ArrayList<>();
		for (long position = start; position < end; position++) {
			Entry entry = at(position);
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
	private @Nullable Entry at(long position) {
		Entry entry = this.slots.getAcquire((int) (position % this.capacity));
		return (entry != null && entry.position == position) ? entry : null;
	}

	@Override
	public String toString() {
		return "RecentCommits[capacity=" + this.capacity + ", appended=" + this.appended.get() + ", retainedAfter="
				+ this.retainedAfter.get() + "]";
	}

}
