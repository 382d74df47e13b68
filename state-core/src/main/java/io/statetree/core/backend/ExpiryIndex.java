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
 * index is empty and the write carries no lifetime. Only when a bound is reached are the bounds
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

	private final @Nullable Node root;

	/** The run of the last full scan, {@code null} before one. */
	private final @Nullable DueRun run;

	/** Every entry found by that scan and still present is due no earlier. */
	private final long runFloor;

	/** Every entry put since that scan (every entry, before one) is due no earlier. */
	private final long sincePuts;

	/** Tighter bounds, once a check or a scan found them for this index. */
	private volatile @Nullable Bounds found;

	private ExpiryIndex(@Nullable Node root, @Nullable DueRun run, long runFloor, long sincePuts) {
		this.root = root;
		this.run = run;
		this.runFloor = runFloor;
		this.sincePuts = sincePuts;
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
	private ExpiryIndex derived(@Nullable Node updated, long due) {
		if (updated == null) {
			return EMPTY;
		}
		Bounds known = this.found;
		return (known != null) ? new ExpiryIndex(updated, known.run(), known.runFloor(), Math.min(known.sincePuts(), due))
				: new ExpiryIndex(updated, this.run, this.runFloor, Math.min(this.sincePuts, due));
	}

	/** One path of the trie. {@code due == NONE} and {@code owner == null} when it has no entry. */
	private record Node(long due, @Nullable String owner, ExpiryChildren<Node> children,
			int ephemeralCount) {

		/** A node without children (no scan of them). */
		static Node leaf(long due, @Nullable String owner) {
			return new Node(due, owner, ExpiryChildren.empty(), (owner != null) ? 1 : 0);
		}

		static @Nullable Node of(long due, @Nullable String owner, ExpiryChildren<Node> children) {
			if (children.isEmpty()) {
				return (due == NONE && owner == null) ? null : leaf(due, owner);
			}
			int[] count = { (owner != null) ? 1 : 0 };
			children.forEach((key, child) -> count[0] += child.ephemeralCount());
			return new Node(due, owner, children, count[0]);
		}

		boolean hasEntry() {
			return this.due != NONE || this.owner != null;
		}

		/** This node with one child replaced (the ephemeral count adjusted, nothing scanned). */
		@Nullable Node withChild(String key, @Nullable Node oldChild, @Nullable Node newChild) {
			if (oldChild == newChild) {
				return this;
			}
			ExpiryChildren<Node> next = (newChild != null) ? this.children.put(key, newChild)
					: this.children.remove(key);
			if (!hasEntry() && next.isEmpty()) {
				return null;
			}
			int count = this.ephemeralCount - ((oldChild != null) ? oldChild.ephemeralCount() : 0)
					+ ((newChild != null) ? newChild.ephemeralCount() : 0);
			return new Node(this.due, this.owner, next, count);
		}

	}

	/**
	 * Tells whether no path has a lifetime.
	 * @return {@code true} when empty
	 */
	boolean isEmpty() {
		return this.root == null;
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
		if (this.root == null) {
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
		Node node = this.root;
		for (int i = 0; node != null && i < path.depth(); i++) {
			node = node.children().get(path.segment(i));
		}
		return node != null && node.due() == due;
	}

	/** A full scan of the trie: a new run, exact bounds. */
	private Bounds scan() {
		Node r = this.root;
		DueCollector collector = new DueCollector();
		if (r != null) {
			collector.visit(r, StatePath.ROOT);
		}
		if (collector.count == 0) {
			return NO_DUE;
		}
		DueRun scanned = DueRun.of(collector.dues, collector.paths, collector.count);
		return new Bounds(scanned, scanned.due(0), NONE, true);
	}

	/** Collects every due time of a trie with its path. */
	private static final class DueCollector {

		long[] dues = new long[16];

		StatePath[] paths = new StatePath[16];

		int count;

		void visit(Node node, StatePath at) {
			if (node.due() != NONE) {
				if (this.count == this.dues.length) {
					this.dues = java.util.Arrays.copyOf(this.dues, this.count * 2);
					this.paths = java.util.Arrays.copyOf(this.paths, this.count * 2);
				}
				this.dues[this.count] = node.due();
				this.paths[this.count] = at;
				this.count++;
			}
			node.children().forEach((key, child) -> visit(child, at.child(key)));
		}

	}

	/**
	 * Tells whether any entry is ephemeral.
	 * @return {@code true} when one is
	 */
	boolean hasEphemeral() {
		Node r = this.root;
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
		if (this.root == null && (lifetime == null || lifetime.isKeep())) {
			return this;
		}
		if (lifetime == null || write.value() == null) {
			return clear(write.path());
		}
		if (lifetime.isKeep()) {
			return replace(write.path(), true, NONE, null);
		}
		Duration ttl = lifetime.ttl();
		long due = (ttl != null) ? now + saturatedNanos(ttl) : NONE;
		return replace(write.path(), false, due, lifetime.owner());
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
		if (this.root == null) {
			return this;
		}
		return replace(path, false, NONE, null);
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
		return derived(put(this.root, path, 0, due, owner, true, false), due);
	}

	/**
	 * Replaces the entry at a path and everything below it (keeping the own entry when asked). The
	 * bound only moves down, to a new due time: what the write removes leaves it a lower bound.
	 */
	private ExpiryIndex replace(StatePath path, boolean keepOwn, long due, @Nullable String owner) {
		Node r = this.root;
		Node updated = put(r, path, 0, due, owner, false, keepOwn);
		if (updated == r) {
			return this;
		}
		return derived(updated, due);
	}

	/** The subtree at {@code node} with the entry put at the path, in one walk down. */
	private static @Nullable Node put(@Nullable Node node, StatePath path, int index, long due,
			@Nullable String owner, boolean keepChildren, boolean keepOwn) {
		if (index == path.depth()) {
			if (keepOwn) {
				if (node == null || !node.hasEntry()) {
					return null;
				}
				return node.children().isEmpty() ? node : Node.leaf(node.due(), node.owner());
			}
			if (keepChildren && node != null && !node.children().isEmpty()) {
				return Node.of(due, owner, node.children());
			}
			return (due == NONE && owner == null) ? null : Node.leaf(due, owner);
		}
		String key = path.segment(index);
		Node child = (node != null) ? node.children().get(key) : null;
		if (child == null && due == NONE && owner == null) {
			return node; // nothing to clear below here
		}
		Node updated = put(child, path, index + 1, due, owner, keepChildren, keepOwn);
		if (node == null) {
			return (updated == null) ? null
					: new Node(NONE, null, ExpiryChildren.<Node>empty().put(key, updated),
							updated.ephemeralCount());
		}
		return node.withChild(key, child, updated);
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
		Node node = this.root;
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
		Node node = this.root;
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
		collectDue(node, path, now, due);
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
		Node r = this.root;
		if (r == null || nextDue(now) > now) {
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
			collectDue(r, StatePath.ROOT, now, due);
		}
		if (due.size() > 1) {
			due.sort(Comparator.comparingInt(StatePath::depth));
		}
		return due;
	}

	/** Whether an ancestor of a path is due. */
	private boolean dueAbove(StatePath path, long now) {
		Node node = this.root;
		for (int i = 0; node != null && i < path.depth(); i++) {
			if (node.due() <= now) {
				return true;
			}
			node = node.children().get(path.segment(i));
		}
		return false;
	}

	/** Adds the shallowest due paths strictly below a node that is not due itself. */
	private static void collectDue(Node node, StatePath at, long now, List<StatePath> into) {
		node.children().forEach((key, child) -> {
			if (child.due() <= now) {
				into.add(at.child(key));
			}
			else if (!child.children().isEmpty()) {
				collectDue(child, at.child(key), now, into);
			}
		});
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
		Node r = this.root;
		if (r == null || r.ephemeralCount() == 0) {
			return List.of();
		}
		List<StatePath> found = new ArrayList<>();
		collectEphemeral(r, StatePath.ROOT, owner, found);
		return found;
	}

	private static void collectEphemeral(Node node, StatePath at, @Nullable String owner, List<StatePath> into) {
		if (node.owner() != null && (owner == null || owner.equals(node.owner()))) {
			into.add(at);
			return;
		}
		node.children().forEach((key, child) -> {
			if (child.ephemeralCount() > 0) {
				collectEphemeral(child, at.child(key), owner, into);
			}
		});
	}

	/**
	 * The earliest due time covering a path: its own time to live and its ancestors'.
	 * @param path the path
	 * @return the due time in nanoseconds, {@link #NONE} when no time to live covers it
	 */
	long dueOf(StatePath path) {
		Node node = this.root;
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
		Node r = this.root;
		if (r == null) {
			return Map.of();
		}
		Map<StatePath, Entry> into = new HashMap<>();
		collectEntries(r, StatePath.ROOT, into);
		return Collections.unmodifiableMap(into);
	}

	private static void collectEntries(Node node, StatePath at, Map<StatePath, Entry> into) {
		if (node.hasEntry()) {
			into.put(at, new Entry(node.due(), node.owner()));
		}
		node.children().forEach((key, child) -> collectEntries(child, at.child(key), into));
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
