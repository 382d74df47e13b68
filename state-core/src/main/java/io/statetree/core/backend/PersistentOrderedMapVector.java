package io.statetree.core.backend;

import java.util.Arrays;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The order index of a large {@link PersistentOrderedMap}: a persistent 32-way radix trie over
 * sequence numbers, stored as bare {@code Object[]} nodes without wrapper objects.
 * <p>
 * A leaf holds up to 32 entries as interleaved key/value pairs ({@code [k0, v0, k1, v1, ...]}); an
 * inner node holds up to 32 children. The shape follows from the number of slots ({@code count}):
 * only the rightmost path is partially filled and every array has exactly the length it needs. A
 * removed entry leaves a tombstone (a {@code null} key and value) until the map compacts itself.
 * <p>
 * A flat small map uses the same layout as a single leaf, so iteration code is shared.
 * All arrays are treated as immutable once published; every update copies the path it touches.
 */
final class PersistentOrderedMapVector {

	static final int BITS = 5;

	static final int WIDTH = 1 << BITS;

	static final int MASK = WIDTH - 1;

	private PersistentOrderedMapVector() {
	}

	/**
	 * Returns the shift of the root for a trie with the given number of slots: 0 when the root is a
	 * leaf (up to 32 slots), 5 for up to 1,024, 10 for up to 32,768, and so on.
	 * @param count the number of slots, at least 1
	 */
	static int shiftFor(int count) {
		int bits = 32 - Integer.numberOfLeadingZeros(count - 1);
		return (bits - 1) / BITS * BITS;
	}

	/** Returns the leaf holding the slot {@code index}. */
	static Object[] leafFor(Object[] root, int shift, int index) {
		Object[] node = root;
		for (int s = shift; s > 0; s -= BITS) {
			node = (Object[]) node[(index >>> s) & MASK];
		}
		return node;
	}

	/** Returns a copy of the trie with slot {@code index} set to the pair (a tombstone when both are null). */
	static Object[] set(Object[] node, int shift, int index, @Nullable Object key, @Nullable Object value) {
		Object[] copy = node.clone();
		if (shift == 0) {
			int j = (index & MASK) << 1;
			copy[j] = key;
			copy[j + 1] = value;
		}
		else {
			int i = (index >>> shift) & MASK;
			copy[i] = set((Object[]) node[i], shift - BITS, index, key, value);
		}
		return copy;
	}

	/**
	 * Returns a trie with one more slot holding the pair.
	 * @param root the root of a trie with {@code count >= 1} slots
	 */
	static Object[] append(Object[] root, int count, Object key, Object value) {
		int shift = shiftFor(count);
		if (count == (WIDTH << shift)) {
			return new Object[] { root, path(shift, key, value) };
		}
		return appendInto(root, shift, count, key, value);
	}

	private static Object[] appendInto(Object[] node, int shift, int index, Object key, Object value) {
		if (shift == 0) {
			Object[] leaf = Arrays.copyOf(node, node.length + 2);
			leaf[node.length] = key;
			leaf[node.length + 1] = value;
			return leaf;
		}
		int i = (index >>> shift) & MASK;
		Object[] copy;
		if (i < node.length) {
			copy = node.clone();
			copy[i] = appendInto((Object[]) node[i], shift - BITS, index, key, value);
		}
		else {
			copy = Arrays.copyOf(node, i + 1);
			copy[i] = path(shift - BITS, key, value);
		}
		return copy;
	}

	private static Object[] path(int shift, Object key, Object value) {
		Object[] node = { key, value };
		for (int s = 0; s < shift; s += BITS) {
			node = new Object[] { node };
		}
		return node;
	}

	/**
	 * Returns a trie without its last slot.
	 * @param root the root of a trie with {@code count >= 2} slots
	 */
	static Object[] pop(Object[] root, int count) {
		int shift = shiftFor(count);
		Object[] node = popFrom(root, shift, count - 1);
		int target = shiftFor(count - 1);
		for (int s = shift; s > target; s -= BITS) {
			node = (Object[]) node[0];
		}
		return node;
	}

	private static Object @Nullable [] popFrom(Object[] node, int shift, int index) {
		if (shift == 0) {
			return node.length == 2 ? null : Arrays.copyOf(node, node.length - 2);
		}
		int i = (index >>> shift) & MASK;
		Object[] child = popFrom((Object[]) node[i], shift - BITS, index);
		if (child == null) {
			return i == 0 ? null : Arrays.copyOf(node, i);
		}
		Object[] copy = node.clone();
		copy[i] = child;
		return copy;
	}

	/** Calls the action for every live pair in slot order. */
	@SuppressWarnings("unchecked")
	static <K, V> void forEach(Object[] node, int shift, BiConsumer<? super K, ? super V> action) {
		if (shift == 0) {
			for (int j = 0; j < node.length; j += 2) {
				Object key = node[j];
				if (key != null) {
					action.accept((K) key, (V) node[j + 1]);
				}
			}
		}
		else {
			for (Object child : node) {
				forEach((Object[]) child, shift - BITS, action);
			}
		}
	}

	/**
	 * Copies the live pairs into the arrays in slot order, leaving out slot {@code skip}.
	 * @return the number of pairs copied
	 */
	static int collect(Object[] root, int shift, int count, int skip, Object[] keys, Object[] values) {
		int n = 0;
		for (int base = 0; base < count; base += WIDTH) {
			Object[] leaf = leafFor(root, shift, base);
			for (int j = 0; j < leaf.length; j += 2) {
				Object key = leaf[j];
				if (key != null && base + (j >>> 1) != skip) {
					keys[n] = key;
					values[n] = leaf[j + 1];
					n++;
				}
			}
		}
		return n;
	}

	/** Builds a trie whose slot {@code i} holds {@code keys[i]} and {@code values[i]}, for {@code n >= 1}. */
	static Object[] build(Object[] keys, Object[] values, int n) {
		Object[] level = new Object[(n + MASK) >>> BITS];
		for (int l = 0; l < level.length; l++) {
			int from = l << BITS;
			int len = Math.min(WIDTH, n - from);
			Object[] leaf = new Object[len << 1];
			for (int j = 0; j < len; j++) {
				leaf[j << 1] = keys[from + j];
				leaf[(j << 1) + 1] = values[from + j];
			}
			level[l] = leaf;
		}
		while (level.length > 1) {
			Object[] up = new Object[(level.length + MASK) >>> BITS];
			for (int p = 0; p < up.length; p++) {
				up[p] = Arrays.copyOfRange(level, p << BITS, Math.min(level.length, (p + 1) << BITS));
			}
			level = up;
		}
		return (Object[]) level[0];
	}

}
