package io.statetree.core.backend;

import java.util.List;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The due times of an {@link ExpiryIndex}, ordered by time then path: an immutable, persistent
 * treap (a binary search tree balanced by priorities derived from the keys), so the earliest due
 * time is found in O(log n) and a write inserts or removes one entry in O(log n) whatever the
 * shape of the tree of paths. Every operation returns a new set sharing structure with this one.
 * Thread-safe: instances are immutable.
 */
final class DueTimes {

	/** The empty set. */
	static final DueTimes EMPTY = new DueTimes(null);

	private final @Nullable Node root;

	private DueTimes(@Nullable Node root) {
		this.root = root;
	}

	private record Node(long due, StatePath path, int priority, @Nullable Node left, @Nullable Node right) {

		Node with(@Nullable Node newLeft, @Nullable Node newRight) {
			return (newLeft == this.left && newRight == this.right) ? this
					: new Node(this.due, this.path, this.priority, newLeft, newRight);
		}

	}

	boolean isEmpty() {
		return this.root == null;
	}

	/**
	 * The earliest due time.
	 * @return it, or {@link ExpiryIndex#NONE} when the set is empty
	 */
	long first() {
		Node n = this.root;
		if (n == null) {
			return ExpiryIndex.NONE;
		}
		while (n.left() != null) {
			n = n.left();
		}
		return n.due();
	}

	DueTimes with(long due, StatePath path) {
		return new DueTimes(insert(this.root, new Node(due, path, priority(due, path), null, null)));
	}

	DueTimes without(long due, StatePath path) {
		Node updated = remove(this.root, due, path);
		return (updated == this.root) ? this : new DueTimes(updated);
	}

	/**
	 * Adds the paths whose due time is at or before a time, earliest first.
	 * @param now the time
	 * @param into receives the paths
	 */
	void upTo(long now, List<StatePath> into) {
		upTo(this.root, now, into);
	}

	private static void upTo(@Nullable Node n, long now, List<StatePath> into) {
		if (n == null) {
			return;
		}
		upTo(n.left(), now, into);
		if (n.due() <= now) {
			into.add(n.path());
			upTo(n.right(), now, into);
		}
	}

	private static int priority(long due, StatePath path) {
		int h = path.hashCode() * 31 + Long.hashCode(due);
		h ^= (h >>> 16);
		h *= 0x85ebca6b;
		h ^= (h >>> 13);
		h *= 0xc2b2ae35;
		return h ^ (h >>> 16);
	}

	private static int compare(long due, StatePath path, Node n) {
		int byDue = Long.compare(due, n.due());
		return (byDue != 0) ? byDue : path.compareTo(n.path());
	}

	private static Node insert(@Nullable Node t, Node n) {
		if (t == null) {
			return n;
		}
		if (n.priority() > t.priority()) {
			Node[] parts = new Node[2];
			split(t, n.due(), n.path(), parts);
			return n.with(parts[0], parts[1]);
		}
		int c = compare(n.due(), n.path(), t);
		if (c == 0) {
			return t;
		}
		return (c < 0) ? t.with(insert(t.left(), n), t.right()) : t.with(t.left(), insert(t.right(), n));
	}

	/** Splits into the keys below and the keys above (the key itself is never present here). */
	private static void split(@Nullable Node t, long due, StatePath path, @Nullable Node[] parts) {
		if (t == null) {
			parts[0] = null;
			parts[1] = null;
			return;
		}
		if (compare(due, path, t) > 0) {
			split(t.right(), due, path, parts);
			parts[0] = t.with(t.left(), parts[0]);
		}
		else {
			split(t.left(), due, path, parts);
			parts[1] = t.with(parts[1], t.right());
		}
	}

	private static @Nullable Node remove(@Nullable Node t, long due, StatePath path) {
		if (t == null) {
			return null;
		}
		int c = compare(due, path, t);
		if (c == 0) {
			return merge(t.left(), t.right());
		}
		if (c < 0) {
			Node left = remove(t.left(), due, path);
			return (left == t.left()) ? t : t.with(left, t.right());
		}
		Node right = remove(t.right(), due, path);
		return (right == t.right()) ? t : t.with(t.left(), right);
	}

	private static @Nullable Node merge(@Nullable Node a, @Nullable Node b) {
		if (a == null) {
			return b;
		}
		if (b == null) {
			return a;
		}
		if (a.priority() > b.priority()) {
			return a.with(a.left(), merge(a.right(), b));
		}
		return b.with(merge(a, b.left()), b.right());
	}

}
