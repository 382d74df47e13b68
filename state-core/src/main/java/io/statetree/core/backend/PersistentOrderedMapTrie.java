package io.statetree.core.backend;

/**
 * A node of the CHAMP trie (compressed hash-array mapped prefix tree) of a large
 * {@link PersistentOrderedMap}, mapping each key to its sequence number in the order index.
 * <p>
 * A bitmap node consumes 5 bits of the hash per level, lowest bits first. {@link #dataMap} marks the
 * hash fragments held inline as entries, {@link #nodeMap} those delegated to a child node.
 * {@link #slots} holds the inline keys (in fragment order) followed by the children (in fragment
 * order); {@link #seqs} holds the sequence number of each inline key, so its length is the number
 * of inline entries. Below the seventh level (shift 35, all 32 hash bits consumed) nodes are
 * collision nodes: both bitmaps are zero and {@link #slots} and {@link #seqs} list keys with equal
 * hashes in no particular order.
 * <p>
 * The trie is kept canonical: a child never consists of exactly one inline entry (it is inlined in
 * its parent instead). Nodes are immutable; updates copy the path from the root.
 */
final class PersistentOrderedMapTrie {

	/** The last shift at which a bitmap node consumes hash bits; deeper nodes are collision nodes. */
	private static final int LAST_SHIFT = 30;

	final int dataMap;

	final int nodeMap;

	final Object[] slots;

	final int[] seqs;

	PersistentOrderedMapTrie(int dataMap, int nodeMap, Object[] slots, int[] seqs) {
		this.dataMap = dataMap;
		this.nodeMap = nodeMap;
		this.slots = slots;
		this.seqs = seqs;
	}

	/** Returns the sequence number of the key, or -1 when absent. */
	int find(Object key, int hash) {
		PersistentOrderedMapTrie node = this;
		for (int shift = 0; shift <= LAST_SHIFT; shift += 5) {
			int bit = 1 << ((hash >>> shift) & 31);
			if ((node.dataMap & bit) != 0) {
				int i = Integer.bitCount(node.dataMap & (bit - 1));
				Object k = node.slots[i];
				return (k == key || key.equals(k)) ? node.seqs[i] : -1;
			}
			if ((node.nodeMap & bit) == 0) {
				return -1;
			}
			node = (PersistentOrderedMapTrie) node.slots[node.seqs.length
					+ Integer.bitCount(node.nodeMap & (bit - 1))];
		}
		Object[] keys = node.slots;
		for (int i = 0; i < keys.length; i++) {
			if (key.equals(keys[i])) {
				return node.seqs[i];
			}
		}
		return -1;
	}

	/** Returns a trie with the key added; the key must be absent. */
	PersistentOrderedMapTrie insert(Object key, int hash, int seq, int shift) {
		if (shift > LAST_SHIFT) {
			return new PersistentOrderedMapTrie(0, 0, insert(slots, slots.length, key),
					insert(seqs, seqs.length, seq));
		}
		int bit = 1 << ((hash >>> shift) & 31);
		int dataCount = seqs.length;
		if ((dataMap & bit) != 0) {
			// Push the inline entry and the new one down into a new child.
			int i = Integer.bitCount(dataMap & (bit - 1));
			Object other = slots[i];
			PersistentOrderedMapTrie child = pair(other, other.hashCode(), seqs[i], key, hash, seq, shift + 5);
			int j = Integer.bitCount(nodeMap & (bit - 1));
			Object[] s = new Object[slots.length];
			System.arraycopy(slots, 0, s, 0, i);
			System.arraycopy(slots, i + 1, s, i, dataCount - 1 - i);
			System.arraycopy(slots, dataCount, s, dataCount - 1, j);
			s[dataCount - 1 + j] = child;
			System.arraycopy(slots, dataCount + j, s, dataCount + j, slots.length - dataCount - j);
			return new PersistentOrderedMapTrie(dataMap ^ bit, nodeMap | bit, s, remove(seqs, i));
		}
		if ((nodeMap & bit) != 0) {
			int at = dataCount + Integer.bitCount(nodeMap & (bit - 1));
			Object[] s = slots.clone();
			s[at] = ((PersistentOrderedMapTrie) slots[at]).insert(key, hash, seq, shift + 5);
			return new PersistentOrderedMapTrie(dataMap, nodeMap, s, seqs);
		}
		int i = Integer.bitCount(dataMap & (bit - 1));
		return new PersistentOrderedMapTrie(dataMap | bit, nodeMap, insert(slots, i, key), insert(seqs, i, seq));
	}

	private static PersistentOrderedMapTrie pair(Object k1, int h1, int s1, Object k2, int h2, int s2, int shift) {
		if (shift > LAST_SHIFT) {
			return new PersistentOrderedMapTrie(0, 0, new Object[] { k1, k2 }, new int[] { s1, s2 });
		}
		int f1 = (h1 >>> shift) & 31;
		int f2 = (h2 >>> shift) & 31;
		if (f1 == f2) {
			return new PersistentOrderedMapTrie(0, 1 << f1,
					new Object[] { pair(k1, h1, s1, k2, h2, s2, shift + 5) }, PersistentOrderedMap.NO_INTS);
		}
		int map = (1 << f1) | (1 << f2);
		return (f1 < f2) ? new PersistentOrderedMapTrie(map, 0, new Object[] { k1, k2 }, new int[] { s1, s2 })
				: new PersistentOrderedMapTrie(map, 0, new Object[] { k2, k1 }, new int[] { s2, s1 });
	}

	/** Returns a trie without the key; the key must be present. */
	PersistentOrderedMapTrie remove(Object key, int hash, int shift) {
		if (shift > LAST_SHIFT) {
			int i = 0;
			while (!key.equals(slots[i])) {
				i++;
			}
			return new PersistentOrderedMapTrie(0, 0, remove(slots, i), remove(seqs, i));
		}
		int bit = 1 << ((hash >>> shift) & 31);
		if ((dataMap & bit) != 0) {
			int i = Integer.bitCount(dataMap & (bit - 1));
			return new PersistentOrderedMapTrie(dataMap ^ bit, nodeMap, remove(slots, i), remove(seqs, i));
		}
		int dataCount = seqs.length;
		int j = Integer.bitCount(nodeMap & (bit - 1));
		int at = dataCount + j;
		PersistentOrderedMapTrie child = ((PersistentOrderedMapTrie) slots[at]).remove(key, hash, shift + 5);
		if (child.slots.length == 1 && child.seqs.length == 1) {
			// The child shrank to a single entry: inline it here.
			int i = Integer.bitCount(dataMap & (bit - 1));
			Object[] s = new Object[slots.length];
			System.arraycopy(slots, 0, s, 0, i);
			s[i] = child.slots[0];
			System.arraycopy(slots, i, s, i + 1, dataCount - i);
			System.arraycopy(slots, dataCount, s, dataCount + 1, j);
			System.arraycopy(slots, at + 1, s, at + 1, slots.length - at - 1);
			return new PersistentOrderedMapTrie(dataMap | bit, nodeMap ^ bit, s, insert(seqs, i, child.seqs[0]));
		}
		Object[] s = slots.clone();
		s[at] = child;
		return new PersistentOrderedMapTrie(dataMap, nodeMap, s, seqs);
	}

	/**
	 * Builds a trie holding {@code keys[idx[i]]} with sequence number {@code idx[i]} for every
	 * {@code i} in {@code [from, to)}, which must contain at least two distinct keys (or be the root).
	 * @param hashes the hash of every key, indexed like {@code keys}
	 * @param idx the indices to place; reordered in place
	 * @param tmp scratch space at least as long as {@code idx}
	 */
	static PersistentOrderedMapTrie build(Object[] keys, int[] hashes, int[] idx, int[] tmp, int from, int to,
			int shift) {
		int n = to - from;
		if (shift > LAST_SHIFT) {
			Object[] s = new Object[n];
			int[] q = new int[n];
			for (int i = 0; i < n; i++) {
				q[i] = idx[from + i];
				s[i] = keys[q[i]];
			}
			return new PersistentOrderedMapTrie(0, 0, s, q);
		}
		int[] ends = new int[32];
		for (int i = from; i < to; i++) {
			ends[(hashes[idx[i]] >>> shift) & 31]++;
		}
		int dataMap = 0;
		int nodeMap = 0;
		int sum = 0;
		for (int f = 0; f < 32; f++) {
			int c = ends[f];
			if (c == 1) {
				dataMap |= 1 << f;
			}
			else if (c > 1) {
				nodeMap |= 1 << f;
			}
			ends[f] = sum;
			sum += c;
		}
		// Counting sort of the range by fragment; afterwards ends[f] is the end of fragment f.
		for (int i = from; i < to; i++) {
			int v = idx[i];
			tmp[from + ends[(hashes[v] >>> shift) & 31]++] = v;
		}
		System.arraycopy(tmp, from, idx, from, n);
		int dataCount = Integer.bitCount(dataMap);
		Object[] s = new Object[dataCount + Integer.bitCount(nodeMap)];
		int[] q = (dataCount == 0) ? PersistentOrderedMap.NO_INTS : new int[dataCount];
		int d = 0;
		int m = dataCount;
		int start = 0;
		for (int f = 0; f < 32; f++) {
			int end = ends[f];
			int c = end - start;
			if (c == 1) {
				int v = idx[from + start];
				q[d] = v;
				s[d] = keys[v];
				d++;
			}
			else if (c > 1) {
				s[m++] = build(keys, hashes, idx, tmp, from + start, from + end, shift + 5);
			}
			start = end;
		}
		return new PersistentOrderedMapTrie(dataMap, nodeMap, s, q);
	}

	/**
	 * Checks the structure below this node for tests.
	 * @return the number of entries
	 */
	int verify(int shift, boolean root, java.util.function.ObjIntConsumer<Object> entries) {
		if (shift > LAST_SHIFT) {
			check(dataMap == 0 && nodeMap == 0 && slots.length == seqs.length && slots.length >= 2, "collision node");
			int h = slots[0].hashCode();
			for (int i = 0; i < slots.length; i++) {
				check(slots[i].hashCode() == h, "collision hashes");
				entries.accept(slots[i], seqs[i]);
			}
			return slots.length;
		}
		check((dataMap & nodeMap) == 0, "disjoint bitmaps");
		check(Integer.bitCount(dataMap) == seqs.length, "data count");
		check(Integer.bitCount(dataMap) + Integer.bitCount(nodeMap) == slots.length, "slot count");
		check(root || (slots.length >= 1 && !(slots.length == 1 && seqs.length == 1)), "canonical");
		int count = 0;
		int d = 0;
		int m = seqs.length;
		for (int f = 0; f < 32; f++) {
			int bit = 1 << f;
			if ((dataMap & bit) != 0) {
				check(((slots[d].hashCode() >>> shift) & 31) == f, "data fragment");
				entries.accept(slots[d], seqs[d]);
				d++;
				count++;
			}
			else if ((nodeMap & bit) != 0) {
				count += ((PersistentOrderedMapTrie) slots[m++]).verify(shift + 5, false, entries);
			}
		}
		return count;
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Broken trie: " + what);
		}
	}

	private static Object[] insert(Object[] a, int i, Object x) {
		Object[] b = new Object[a.length + 1];
		System.arraycopy(a, 0, b, 0, i);
		b[i] = x;
		System.arraycopy(a, i, b, i + 1, a.length - i);
		return b;
	}

	private static int[] insert(int[] a, int i, int x) {
		int[] b = new int[a.length + 1];
		System.arraycopy(a, 0, b, 0, i);
		b[i] = x;
		System.arraycopy(a, i, b, i + 1, a.length - i);
		return b;
	}

	private static Object[] remove(Object[] a, int i) {
		Object[] b = new Object[a.length - 1];
		System.arraycopy(a, 0, b, 0, i);
		System.arraycopy(a, i + 1, b, i, a.length - 1 - i);
		return b;
	}

	private static int[] remove(int[] a, int i) {
		if (a.length == 1) {
			return PersistentOrderedMap.NO_INTS;
		}
		int[] b = new int[a.length - 1];
		System.arraycopy(a, 0, b, 0, i);
		System.arraycopy(a, i + 1, b, i, a.length - 1 - i);
		return b;
	}

}
