package io.statetree.benchmarks;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StatePath;

/**
 * The physical floor of a persistent-tree store (issue 20), for {@link StoreType#PERSISTENT_TREE_FLOOR}:
 * branches are 32-way hash-array-mapped nodes keyed by segment, a write copies the nodes on its
 * path, publishes the new root and revision with one compare-and-set, and records one change
 * (path, old value, new value, revision) for the listeners that would hear it. A read walks the
 * nodes from the atomic root.
 * <p>
 * It is what StateTree's in-memory write cannot go below, not a usable store: no insertion
 * order, no deletes, no subtree snapshot as a {@code Map}, no equality of numbers by value, no
 * dispatch. Written for the benchmarks only; thread-safe.
 */
final class FloorTree {

	private final AtomicReference<Root> root = new AtomicReference<>(new Root(Node.EMPTY, 0));

	/** The last change, published so that the bookkeeping of a write cannot be optimised away. */
	@SuppressWarnings("unused")
	private volatile Change last;

	/** The tree and its revision, published together. */
	private record Root(Node tree, long revision) {
	}

	/** What a write records for its listeners. */
	record Change(StatePath path, Object oldValue, Object newValue, long revision) {
	}

	/**
	 * Writes a value at a path; writing an equal value records nothing.
	 * @param path the path, not the root
	 * @param value the value, not null
	 */
	void set(StatePath path, Object value) {
		Object[] previous = new Object[1];
		while (true) {
			Root current = this.root.get();
			previous[0] = null;
			Node tree = setIn(current.tree(), path, 0, value, previous);
			if (Objects.equals(previous[0], value)) {
				return;
			}
			Root next = new Root(tree, current.revision() + 1);
			if (this.root.compareAndSet(current, next)) {
				this.last = new Change(path, previous[0], value, next.revision());
				return;
			}
		}
	}

	/**
	 * Reads the value at a path.
	 * @param path the path
	 * @return the value, a {@code Node} for a branch, or null when absent
	 */
	Object get(StatePath path) {
		Object current = this.root.get().tree();
		for (int i = 0, depth = path.depth(); i < depth; i++) {
			if (!(current instanceof Node node)) {
				return null;
			}
			String segment = path.segment(i);
			current = node.get(segment, segment.hashCode());
		}
		return current;
	}

	private static Node setIn(Node node, StatePath path, int depth, Object value, Object[] previous) {
		String segment = path.segment(depth);
		int hash = segment.hashCode();
		if (depth == path.depth() - 1) {
			return node.put(segment, hash, 0, value, previous);
		}
		Object child = node.get(segment, hash);
		Node branch = (child instanceof Node existing) ? existing : Node.EMPTY;
		return node.put(segment, hash, 0, setIn(branch, path, depth + 1, value, previous), null);
	}

	/**
	 * An immutable hash-array-mapped node: pairs of (key, value) in bitmap order, where a null
	 * key marks a sub-node. Below 32 bits of hash a node is a plain list of pairs (collisions).
	 */
	static final class Node {

		static final Node EMPTY = new Node(0, new Object[0]);

		private final int bitmap;

		private final Object[] slots;

		private Node(int bitmap, Object[] slots) {
			this.bitmap = bitmap;
			this.slots = slots;
		}

		Object get(String key, int hash) {
			Node node = this;
			for (int shift = 0;; shift += 5) {
				if (shift >= 32) {
					return node.collisionGet(key);
				}
				int bit = 1 << ((hash >>> shift) & 31);
				if ((node.bitmap & bit) == 0) {
					return null;
				}
				int index = 2 * Integer.bitCount(node.bitmap & (bit - 1));
				Object found = node.slots[index];
				if (found == null) {
					node = (Node) node.slots[index + 1];
					continue;
				}
				return found.equals(key) ? node.slots[index + 1] : null;
			}
		}

		private Object collisionGet(String key) {
			for (int i = 0; i < this.slots.length; i += 2) {
				if (this.slots[i].equals(key)) {
					return this.slots[i + 1];
				}
			}
			return null;
		}

		Node put(String key, int hash, int shift, Object value, Object[] previous) {
			if (shift >= 32) {
				return collisionPut(key, value, previous);
			}
			int bit = 1 << ((hash >>> shift) & 31);
			int index = 2 * Integer.bitCount(this.bitmap & (bit - 1));
			if ((this.bitmap & bit) == 0) {
				Object[] slots = new Object[this.slots.length + 2];
				System.arraycopy(this.slots, 0, slots, 0, index);
				slots[index] = key;
				slots[index + 1] = value;
				System.arraycopy(this.slots, index, slots, index + 2, this.slots.length - index);
				return new Node(this.bitmap | bit, slots);
			}
			Object found = this.slots[index];
			Object replacement;
			if (found == null) {
				replacement = ((Node) this.slots[index + 1]).put(key, hash, shift + 5, value, previous);
			}
			else if (found.equals(key)) {
				if (previous != null) {
					previous[0] = this.slots[index + 1];
				}
				return with(index, key, value);
			}
			else {
				String other = (String) found;
				replacement = EMPTY.put(other, other.hashCode(), shift + 5, this.slots[index + 1], null)
					.put(key, hash, shift + 5, value, previous);
			}
			return with(index, null, replacement);
		}

		private Node with(int index, Object key, Object value) {
			Object[] slots = this.slots.clone();
			slots[index] = key;
			slots[index + 1] = value;
			return new Node(this.bitmap, slots);
		}

		private Node collisionPut(String key, Object value, Object[] previous) {
			for (int i = 0; i < this.slots.length; i += 2) {
				if (this.slots[i].equals(key)) {
					if (previous != null) {
						previous[0] = this.slots[i + 1];
					}
					return with(i, key, value);
				}
			}
			Object[] slots = java.util.Arrays.copyOf(this.slots, this.slots.length + 2);
			slots[this.slots.length] = key;
			slots[this.slots.length + 1] = value;
			return new Node(0, slots);
		}

	}

}
