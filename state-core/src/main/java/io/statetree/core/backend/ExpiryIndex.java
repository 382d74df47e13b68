package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The lifetimes a local backend keeps (DESIGN §12), immutable and persistent: a trie mirroring the
 * paths that carry one (each node holds its own entry, a due time on the monotonic nanosecond clock
 * or an ephemeral owner, its children and the number of ephemeral entries below it) and lower
 * bounds of the earliest due time instead of an ordered set of due times. A write with a time to
 * live lowers a bound to its due time if earlier; a removal leaves the bounds as they are. So a
 * write costs one path copy of the trie, O(depth · log children), and nothing at all while the
 * index is empty and the write carries no lifetime. The entry written last is kept pending beside
 * the trie and put in it only when a write at another path comes (or a query needs the whole
 * trie, once per index): rewriting one path with a time to live over and over (a lock, a session,
 * a presence entry renewed) copies no path at all. Only when a bound is reached are the bounds
 * tightened: against the {@link DueRun} of the last full scan (its entries checked one by one,
 * O(depth) each), and by a new full scan of the trie when the run cannot tell (it ran out, or an
 * entry written since may be due). What a check finds is kept in the index and inherited by the
 * indexes made from it. Thread-safe: the trie and the bounds are immutable; the tighter bounds a
 * check finds are computed alike by any thread.
 * <p>
 * Due times are compared as plain {@code long}s ({@code due <= now}): callers pass
 * {@code System.nanoTime()}-like readings of one clock.
 */
final class ExpiryIndex {

	/** The due time of a node without a time to live, and of an index with none. */
	static final long NONE = Long.MAX_VALUE;

	/** The empty index. */
	static final ExpiryIndex EMPTY = new ExpiryIndex(null, null, NONE, NONE);

	/** The bounds of an index without a time to live. */
	private static final Bounds NO_DUE = new Bounds(null, NONE, NONE, true);

	/** The trie without the pending entry (the whole trie when none is pending). */
	private final @Nullable ExpiryNode base;

	/**
	 * The path of the entry written last, when it is not in {@link #base} yet: the trie is
	 * {@code base} with this entry put (its subtree replaced), so rewriting the same path again
	 * replaces this entry alone and copies no path of the trie. {@code null} when none is pending.
	 */
	private final @Nullable StatePath pendingPath;

	/** The pending entry's due time, {@link #NONE} for an ephemeral one. */
	private final long pendingDue;

	/** The pending entry's ephemeral owner, or {@code null}. */
	private final @Nullable String pendingOwner;

	/** The run of the last full scan, {@code null} before one. */
	private final @Nullable DueRun run;

	/** Every entry found by that scan and still present is due no earlier. */
	private final long runFloor;

	/** Every entry put since that scan (every entry, before one) is due no earlier. */
	private final long sincePuts;

	/** Tighter bounds, once a check or a scan found them for this index. */
	private volatile @Nullable Bounds found;

	/**
	 * The trie with the pending entry put, once a query needed it (computed alike by any thread;
	 * nodes are immutable).
	 */
	private volatile @Nullable ExpiryNode folded;

	private ExpiryIndex(@Nullable ExpiryNode base, @Nullable DueRun run, long runFloor, long sincePuts) {
		this(base, run, runFloor, sincePuts, null, NONE, null);
	}

	private ExpiryIndex(@Nullable ExpiryNode base, @Nullable DueRun run, long runFloor, long sincePuts,
			@Nullable StatePath pendingPath, long pendingDue, @Nullable String pendingOwner) {
		this.base = base;
		this.run = run;
		this.runFloor = runFloor;
		this.sincePuts = sincePuts;
		this.pendingPath = pendingPath;
		this.pendingDue = pendingDue;
		this.pendingOwner = pendingOwner;
	}

	/** The whole trie: the base, with the pending entry put when one is (once per index). */
	private @Nullable ExpiryNode trie() {
		StatePath pending = this.pendingPath;
		if (pending == null) {
			return this.base;
		}
		ExpiryNode whole = this.folded;
		if (whole == null) {
			whole = ExpiryNode.put(this.base, pending, 0, this.pendingDue, this.pendingOwner, false, false);
			this.folded = whole;
		}
		return whole;
	}

	/** This index with its pending entry put in the trie: the same entries, bounds and answers. */
	private ExpiryIndex withoutPending() {
		if (this.pendingPath == null) {
			return this;
		}
		ExpiryIndex whole = new ExpiryIndex(trie(), this.run, this.runFloor, this.sincePuts);
		whole.found = this.found; // the same entries: what was found for this index holds for it
		return whole;
	}

	/**
	 * What is known of the earliest due time: the run of a full scan, the bound of its entries
	 * still present, the bound of those put since, and whether their minimum is exact.
	 */
	private record Bounds(@Nullable DueRun run, long runFloor, long sincePuts, boolean exact) {

		long next() {
			return Math.min(this.runFloor, this.sincePuts);
		}

	}

	/** An index with a new trie, its bounds inherited and lowered to a due time put. */
	private ExpiryIndex derived(@Nullable ExpiryNode updated, long due) {
		return (updated == null) ? EMPTY : derived(updated, due, null, NONE, null);
	}

	/** An index with a new base and pending entry, its bounds inherited and lowered to a due time put. */
	private ExpiryIndex derived(@Nullable ExpiryNode updated, long due, @Nullable StatePath pending, long pendingDue,
			@Nullable String pendingOwner) {
		Bounds known = this.found;
		return (known != null)
				? new ExpiryIndex(updated, known.run(), known.runFloor(), Math.min(known.sincePuts(), due), pending,
						pendingDue, pendingOwner)
				: new ExpiryIndex(updated, this.run, this.runFloor, Math.min(this.sincePuts, due), pending, pendingDue,
						pendingOwner);
	}

	/**
	 * Tells whether no path has a lifetime.
	 * @return {@code true} when empty
	 */
	boolean isEmpty() {
		return this.base == null && this.pendingPath == null;
	}

	/**
	 * A lower bound of the earliest due time, read without a check: nothing is due before it, and
	 * it is {@link #NONE} when no time to live is kept.
	 * @return the due time in nanoseconds, {@link #NONE} when no time to live is kept
	 */
	long nextDue() {
		Bounds known = this.found;
		return (known != null) ? known.next() : Math.min(this.runFloor, this.sincePuts);
	}

	/**
	 * The earliest due time, exact whenever it matters at {@code now}: a bound when it is later
	 * (nothing is due), else the exact earliest due time.
	 * @param now the current time in nanoseconds
	 * @return the due time in nanoseconds ({@code <= now} exactly when something is due, and then
	 * exact), {@link #NONE} when no time to live is kept
	 */
	long nextDue(long now) {
		Bounds known = this.found;
		long next = (known != null) ? known.next() : Math.min(this.runFloor, this.sincePuts);
		if (next > now || (known != null && known.exact())) {
			return next;
		}
		return tighten(now).next();
	}

	/**
	 * How long until the earliest due time, for a timer: exact when something is due, else at most
	 * the time left.
	 * @param now the current time in nanoseconds
	 * @return nanoseconds, {@code 0} when something is due, {@link Long#MAX_VALUE} when no time to
	 * live is kept
	 */
	long nanosUntilNextDue(long now) {
		long next = nextDue(now);
		return (next == NONE) ? Long.MAX_VALUE : Math.max(0, next - now);
	}

	/**
	 * The exact earliest due time (a check, or a scan of the trie, when not known yet).
	 * @return the due time in nanoseconds, {@link #NONE} when no time to live is kept
	 */
	long exactNextDue() {
		return nextDue(NONE - 1);
	}

	/** Finds tighter bounds: first against the run, then by a full scan when it cannot tell. */
	private Bounds tighten(long now) {
		if (isEmpty()) {
			return NO_DUE; // the shared empty index is never written
		}
		Bounds known = this.found;
		DueRun r = (known != null) ? known.run() : this.run;
		long since = (known != null) ? known.sincePuts() : this.sincePuts;
		if (r != null) {
			int i = r.firstAtLeast((known != null) ? known.runFloor() : this.runFloor);
			while (i < r.length() && !holds(r.path(i), r.due(i))) {
				i++; // gone (deleted, expired, or rewritten: a rewrite counts among the puts since)
			}
			long floor = (i < r.length()) ? r.due(i) : r.rest();
			boolean exact = i < r.length() && floor <= since;
			if (exact || Math.min(floor, since) > now) {
				Bounds tighter = new Bounds(r, floor, since, exact);
				this.found = tighter;
				return tighter;
			}
		}
		Bounds scanned = scan();
		this.found = scanned;
		return scanned;
	}

	/** Whether the entry at a path has this due time. */
	private boolean holds(StatePath path, long due) {
		ExpiryNode node = trie();
		for (int i = 0; node != null && i < path.depth(); i++) {
			node = node.children().get(path.segment(i));
		}
		return node != null && node.due() == due;
	}

	/** A full scan of the trie: a new run, exact bounds. */
	private Bounds scan() {
		ExpiryNode r = trie();
		ExpiryNode.DueCollector collector = new ExpiryNode.DueCollector();
		if (r != null) {
			collector.visit(r, StatePath.ROOT);
		}
		if (collector.count == 0) {
			return NO_DUE;
		}
		DueRun scanned = DueRun.of(collector.dues, collector.paths, collector.count);
		return new Bounds(scanned, scanned.due(0), NONE, true);
	}

	/**
	 * Tells whether any entry is ephemeral.
	 * @return {@code true} when one is
	 */
	boolean hasEphemeral() {
		ExpiryNode r = trie();
		return r != null && r.ephemeralCount() > 0;
	}

	/**
	 * Applies the lifetime rules of one write ({@link Write#lifetime()}): the entries strictly
	 * below the path go (the write replaces that subtree); the path's own entry is kept for
	 * {@link Lifetime#KEEP}, and otherwise replaced by the write's lifetime ({@code null} or a
	 * delete: none). Ancestors keep theirs.
	 * @param write the write
	 * @param now the current time in nanoseconds, from which a time to live counts
	 * @return the new index
	 */
	ExpiryIndex apply(Write write, long now) {
		Lifetime lifetime = write.lifetime();
		if (lifetime == null || write.value() == null) {
			return clear(write.path());
		}
		if (lifetime.isKeep()) {
			if (isEmpty() || isPending(write.path())) {
				return this; // the pending entry has nothing below it: it is kept as it is
			}
			return withoutPending().replace(write.path(), true, NONE, null);
		}
		Duration ttl = lifetime.ttl();
		long due = (ttl != null) ? now + saturatedNanos(ttl) : NONE;
		return pend(write.path(), due, lifetime.owner());
	}

	/** Whether the pending entry is at this path. */
	private boolean isPending(StatePath path) {
		StatePath pending = this.pendingPath;
		return pending != null && (pending == path || pending.equals(path));
	}

	/**
	 * The entry of a write with a lifetime, kept pending: the one pending before is put in the trie
	 * first, unless this write replaces it (its path or an ancestor's). So rewriting one path over
	 * and over copies no path of the trie; writing one path after another copies one each, as
	 * putting every entry at once would.
	 */
	private ExpiryIndex pend(StatePath path, long due, @Nullable String owner) {
		StatePath pending = this.pendingPath;
		ExpiryNode under = this.base;
		if (pending != null && pending != path && !path.isAncestorOrSelf(pending)) {
			ExpiryNode whole = this.folded; // not kept here: this index is left behind
			under = (whole != null) ? whole
					: ExpiryNode.put(this.base, pending, 0, this.pendingDue, this.pendingOwner, false, false);
		}
		return derived(under, due, path, due, owner);
	}

	private static long saturatedNanos(Duration ttl) {
		try {
			return ttl.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 4;
		}
	}

	/**
	 * Removes the entries at a path and below (a delete, or a permanent write).
	 * @param path the path
	 * @return the new index, this one when nothing was there
	 */
	ExpiryIndex clear(StatePath path) {
		if (isEmpty()) {
			return this;
		}
		StatePath pending = this.pendingPath;
		if (pending == null) {
			return replace(path, false, NONE, null);
		}
		ExpiryNode cleared = ExpiryNode.put(this.base, path, 0, NONE, null, false, false);
		if (pending == path || path.isAncestorOrSelf(pending)) {
			return derived(cleared, NONE); // the pending entry goes with the subtree
		}
		// the pending entry stays (what the base holds below it is replaced by it anyway)
		return (cleared == this.base) ? this : derived(cleared, NONE, pending, this.pendingDue, this.pendingOwner);
	}

	/**
	 * Puts an entry as is, keeping what is below the path: for a backend loading the lifetimes it
	 * persisted.
	 * @param path the path
	 * @param due the due time in nanoseconds, or {@link #NONE}
	 * @param owner the ephemeral owner, or {@code null}
	 * @return the new index
	 */
	ExpiryIndex with(StatePath path, long due, @Nullable String owner) {
		ExpiryIndex whole = withoutPending();
		return whole.derived(ExpiryNode.put(whole.base, path, 0, due, owner, true, false), due);
	}

	/**
	 * Replaces the entry at a path and everything below it (keeping the own entry when asked). The
	 * bound only moves down, to a new due time: what the write removes leaves it a lower bound.
	 */
	private ExpiryIndex replace(StatePath path, boolean keepOwn, long due, @Nullable String owner) {
		ExpiryNode r = this.base; // callers fold the pending entry in first
		ExpiryNode updated = ExpiryNode.put(r, path, 0, due, owner, false, keepOwn);
		if (updated == r) {
			return this;
		}
		return derived(updated, due);
	}

	/**
	 * Tells whether the value at a path is due: its own time to live or an ancestor's ran out.
	 * @param path the path
	 * @param now the current time in nanoseconds
	 * @return {@code true} when due
	 */
	boolean isDue(StatePath path, long now) {
		if (nextDue() > now) {
			return false;
		}
		ExpiryNode node = trie();
		for (int i = 0; node != null; i++) {
			if (node.due() <= now) {
				return true;
			}
			if (i == path.depth()) {
				return false;
			}
			node = node.children().get(path.segment(i));
		}
		return false;
	}

	/**
	 * Removes from a value read at a path the parts that are due.
	 * @param path where the value was read
	 * @param value the value, or {@code null}
	 * @param now the current time in nanoseconds
	 * @return {@code null} when the path or an ancestor is due, the value without its due
	 * descendants otherwise (the same instance when none is)
	 */
	@Nullable Object withoutDue(StatePath path, @Nullable Object value, long now) {
		if (value == null || nextDue() > now) {
			return value;
		}
		ExpiryNode node = trie();
		for (int i = 0; node != null; i++) {
			if (node.due() <= now) {
				return null;
			}
			if (i == path.depth()) {
				break;
			}
			node = node.children().get(path.segment(i));
		}
		if (node == null || node.children().isEmpty() || nextDue(now) > now) {
			return value;
		}
		List<StatePath> due = new ArrayList<>();
		ExpiryNode.collectDue(node, path, now, due);
		Object result = value;
		for (StatePath at : due) {
			result = TreeEdits.setIn(result, path, path.relativize(at), 0, null, null);
		}
		return result;
	}

	/**
	 * Lists the shallowest paths whose time to live ran out (no path below another).
	 * @param now the current time in nanoseconds
	 * @return the paths, shallowest first
	 */
	List<StatePath> due(long now) {
		if (isEmpty() || nextDue(now) > now) {
			return List.of();
		}
		ExpiryNode r = trie();
		if (r == null) {
			return List.of();
		}
		List<StatePath> due = new ArrayList<>();
		if (r.due() <= now) {
			due.add(StatePath.ROOT);
			return due;
		}
		Bounds known = this.found;
		DueRun run = (known != null) ? known.run() : null;
		if (run != null && Math.min(run.rest(), known.sincePuts()) > now) {
			// every due entry is in the run: no scan
			for (int i = run.firstAtLeast(known.runFloor()); i < run.length() && run.due(i) <= now; i++) {
				StatePath path = run.path(i);
				if (holds(path, run.due(i)) && !dueAbove(path, now)) {
					due.add(path);
				}
			}
		}
		else {
			ExpiryNode.collectDue(r, StatePath.ROOT, now, due);
		}
		if (due.size() > 1) {
			due.sort(Comparator.comparingInt(StatePath::depth));
		}
		return due;
	}

	/** Whether an ancestor of a path is due. */
	private boolean dueAbove(StatePath path, long now) {
		ExpiryNode node = trie();
		for (int i = 0; node != null && i < path.depth(); i++) {
			if (node.due() <= now) {
				return true;
			}
			node = node.children().get(path.segment(i));
		}
		return false;
	}

	/**
	 * Lists the shallowest ephemeral entries of one owner (no path below another).
	 * @param owner the owner
	 * @return the paths
	 */
	List<StatePath> ephemeral(String owner) {
		Objects.requireNonNull(owner, "owner");
		return ephemeralOf(owner);
	}

	/**
	 * Lists the shallowest ephemeral entries of every owner, for a backend that finds them after a
	 * restart.
	 * @return the paths, none below another
	 */
	List<StatePath> ephemeralAll() {
		return ephemeralOf(null);
	}

	private List<StatePath> ephemeralOf(@Nullable String owner) {
		ExpiryNode r = trie();
		if (r == null || r.ephemeralCount() == 0) {
			return List.of();
		}
		List<StatePath> found = new ArrayList<>();
		ExpiryNode.collectEphemeral(r, StatePath.ROOT, owner, found);
		return found;
	}

	/**
	 * The earliest due time covering a path: its own time to live and its ancestors'.
	 * @param path the path
	 * @return the due time in nanoseconds, {@link #NONE} when no time to live covers it
	 */
	long dueOf(StatePath path) {
		ExpiryNode node = trie();
		long min = NONE;
		for (int i = 0; node != null; i++) {
			min = Math.min(min, node.due());
			if (i == path.depth()) {
				break;
			}
			node = node.children().get(path.segment(i));
		}
		return min;
	}

	/**
	 * The time a path has left: the earliest due time among its own and its ancestors'.
	 * @param path the path
	 * @param now the current time in nanoseconds
	 * @return the remaining nanoseconds ({@code <= 0} when due), {@link #NONE} when no time to live
	 * covers it
	 */
	long remaining(StatePath path, long now) {
		long due = dueOf(path);
		return (due == NONE) ? NONE : due - now;
	}

	/**
	 * The entries as raw values, for a backend that persists them.
	 * @return path to entry, in no particular order
	 */
	Map<StatePath, Entry> entries() {
		ExpiryNode r = trie();
		if (r == null) {
			return Map.of();
		}
		Map<StatePath, Entry> into = new HashMap<>();
		ExpiryNode.collectEntries(r, StatePath.ROOT, into);
		return Collections.unmodifiableMap(into);
	}

	/**
	 * The entries as lifetimes: a time to live with the time left (at least 1 ns, so an entry due
	 * already reads as due at once), an ephemeral entry with its owner.
	 * @param now the current time in nanoseconds
	 * @return an unmodifiable map
	 */
	Map<StatePath, Lifetime> lifetimes(long now) {
		Map<StatePath, Entry> entries = entries();
		if (entries.isEmpty()) {
			return Map.of();
		}
		Map<StatePath, Lifetime> lifetimes = new HashMap<>();
		entries.forEach((path, entry) -> lifetimes.put(path, (entry.owner() != null) ? Lifetime.ephemeral(entry.owner())
				: Lifetime.ttl(Duration.ofNanos(Math.max(1, entry.due() - now)))));
		return Collections.unmodifiableMap(lifetimes);
	}

	/**
	 * One path's entry.
	 * @param due the due time in nanoseconds, {@link #NONE} for an ephemeral entry
	 * @param owner the ephemeral owner, or {@code null}
	 */
	record Entry(long due, @Nullable String owner) {
	}

	@Override
	public String toString() {
		return "ExpiryIndex" + entries();
	}

}
