package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The lifetimes a local backend keeps (DESIGN §12), immutable and persistent: a trie mirroring the
 * paths that carry one (each node holds its own entry, a due time on the monotonic nanosecond clock
 * or an ephemeral owner, its children and the number of ephemeral entries below it) beside the due
 * times ordered by time ({@link DueTimes}), so the next due time is found in O(log n) once per new index and then read in O(1). Every
 * operation returns a new index sharing structure with this one; a write costs
 * O(depth · log children + log n) plus the entries it removes, and nothing at all while the index
 * is empty and the write carries no lifetime. Thread-safe: instances are immutable.
 * <p>
 * Due times are compared as plain {@code long}s ({@code due <= now}): callers pass
 * {@code System.nanoTime()}-like readings of one clock.
 */
final class ExpiryIndex {

	/** The due time of a node without a time to live, and of an index with none. */
	static final long NONE = Long.MAX_VALUE;

	/** The empty index. */
	static final ExpiryIndex EMPTY = new ExpiryIndex(null, DueTimes.EMPTY);

	private final @Nullable Node root;

	private final DueTimes dues;

	/** The earliest due time, found once when the index is made: reads and sweeps only compare it. */
	private final long nextDue;

	private ExpiryIndex(@Nullable Node root, DueTimes dues) {
		this.root = root;
		this.dues = dues;
		this.nextDue = dues.first();
	}

	/** One path of the trie. {@code due == NONE} and {@code owner == null} when it has no entry. */
	private record Node(long due, @Nullable String owner, PersistentOrderedMap<String, Node> children,
			int ephemeralCount) {

		static @Nullable Node of(long due, @Nullable String owner, PersistentOrderedMap<String, Node> children) {
			if (due == NONE && owner == null && children.isEmpty()) {
				return null;
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
			PersistentOrderedMap<String, Node> next = (newChild != null) ? this.children.put(key, newChild)
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
	 * The earliest due time of any time to live: the one check a commit or a read makes.
	 * @return the due time in nanoseconds, {@link #NONE} when no time to live is kept
	 */
	long nextDue() {
		return this.nextDue;
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
		DueTimes next = this.dues;
		Node old = nodeAt(path);
		if (old != null && old.due() != NONE) {
			next = next.without(old.due(), path);
		}
		if (due != NONE) {
			next = next.with(due, path);
		}
		return new ExpiryIndex(put(this.root, path, 0, due, owner, true, false, new Node[1]), next);
	}

	private @Nullable Node nodeAt(StatePath path) {
		Node node = this.root;
		for (int i = 0; node != null && i < path.depth(); i++) {
			node = node.children().get(path.segment(i));
		}
		return node;
	}

	/** Replaces the entry at a path and everything below it (keeping the own entry when asked). */
	private ExpiryIndex replace(StatePath path, boolean keepOwn, long due, @Nullable String owner) {
		Node r = this.root;
		Node[] found = new Node[1];
		Node updated = put(r, path, 0, due, owner, false, keepOwn, found);
		if (updated == r) {
			return this;
		}
		DueTimes next = this.dues;
		Node old = found[0];
		if (old != null) {
			next = withoutDues(next, old, path, keepOwn);
		}
		if (due != NONE) {
			next = next.with(due, path);
		}
		return new ExpiryIndex(updated, next);
	}

	/** The due times without those of a replaced subtree (its own one kept when asked). */
	private static DueTimes withoutDues(DueTimes dues, Node node, StatePath at, boolean keepOwn) {
		DueTimes[] next = { dues };
		if (!keepOwn && node.due() != NONE) {
			next[0] = next[0].without(node.due(), at);
		}
		node.children().forEach((key, child) -> next[0] = withoutDues(next[0], child, at.child(key), false));
		return next[0];
	}

	/**
	 * The subtree at {@code node} with the entry put at the path.
	 * @param found receives the node that was at the path, when there was one
	 */
	private static @Nullable Node put(@Nullable Node node, StatePath path, int index, long due,
			@Nullable String owner, boolean keepChildren, boolean keepOwn, @Nullable Node[] found) {
		if (index == path.depth()) {
			found[0] = node;
			PersistentOrderedMap<String, Node> children = (keepChildren && node != null) ? node.children()
					: PersistentOrderedMap.empty();
			if (keepOwn) {
				if (node == null || !node.hasEntry()) {
					return null;
				}
				if (node.children().isEmpty()) {
					return node;
				}
				return Node.of(node.due(), node.owner(), children);
			}
			if (node == null && due == NONE && owner == null) {
				return null;
			}
			return Node.of(due, owner, children);
		}
		String key = path.segment(index);
		Node child = (node != null) ? node.children().get(key) : null;
		if (child == null && due == NONE && owner == null) {
			return node; // nothing to clear below here
		}
		Node updated = put(child, path, index + 1, due, owner, keepChildren, keepOwn, found);
		if (node == null) {
			return (updated == null) ? null : Node.of(NONE, null, PersistentOrderedMap.<String, Node>empty()
				.put(key, updated));
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
		if (this.nextDue > now) {
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
		if (value == null || this.nextDue > now) {
			return value;
		}
		if (isDue(path, now)) {
			return null;
		}
		Object result = value;
		for (StatePath due : due(now)) {
			if (path.isAncestorOf(due)) {
				result = TreeEdits.setIn(result, path, path.relativize(due), 0, null, null);
			}
		}
		return result;
	}

	/**
	 * Lists the shallowest paths whose time to live ran out (no path below another).
	 * @param now the current time in nanoseconds
	 * @return the paths, shallowest first
	 */
	List<StatePath> due(long now) {
		if (this.nextDue > now) {
			return List.of();
		}
		List<StatePath> all = new ArrayList<>();
		this.dues.upTo(now, all);
		if (all.size() == 1) {
			return all;
		}
		all.sort(Comparator.comparingInt(StatePath::depth));
		Set<StatePath> kept = new HashSet<>();
		List<StatePath> due = new ArrayList<>();
		for (StatePath path : all) {
			boolean covered = false;
			for (int d = 0; d < path.depth() && !covered; d++) {
				covered = kept.contains(path.prefix(d));
			}
			if (!covered) {
				kept.add(path);
				due.add(path);
			}
		}
		return due;
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
