package io.statetree.core.backend;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * An immutable, persistent map that keeps insertion order: {@link #put} and {@link #remove}
 * return a new map sharing structure with this one and leave this one untouched.
 * <p>
 * Small maps are flat arrays; large ones are a CHAMP trie (compressed hash-array mapped prefix
 * tree) for lookups plus a persistent order index, so {@code get}, {@code put} and {@code remove}
 * stay fast at 100,000 entries and iteration follows insertion order. Re-putting an existing key
 * keeps its position. Keys and values are never {@code null}: every method taking a key or a value
 * throws {@link NullPointerException} for {@code null}.
 * <p>
 * Use {@link #builder()} to build a map from many entries at once without copying a path per entry.
 * <p>
 * Thread-safe: instances are immutable. The children of a {@link Branch}: DESIGN §7 (children keep
 * insertion order and stay fast at 100,000 entries).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class PersistentOrderedMap<K, V> implements Iterable<java.util.Map.Entry<K, V>> {

	/*
	 * Layout. A flat map (at most SMALL_MAX entries) has trie == null, data = [k0, v0, k1, v1, ...]
	 * in insertion order, hashes = the key hashes and end == size. A map grows large past SMALL_MAX
	 * and becomes flat again at FLAT_AGAIN. A large map has trie = the CHAMP
	 * root mapping key -> sequence number, data = the root of the order vector
	 * (PersistentOrderedMapVector) mapping sequence number -> key and value, hashes == null and
	 * end = the number of vector slots, live or tombstone. Values live only in the vector, so
	 * replacing a value copies a vector path and leaves the trie shared. Removing the last slot pops
	 * it; removing another leaves a tombstone, and once tombstones outnumber live entries the map is
	 * rebuilt compactly (amortised O(1) extra per remove).
	 */

	/**
	 * The largest size kept as a flat array. Must not exceed 32 (one vector leaf). A flat map costs
	 * 64 + 12n bytes (with compressed oops), less than the trie and vector at any size up to 32; a
	 * linear scan over at most 16 stored hashes stays cheap, and updates copy at most 48 slots.
	 */
	static final int SMALL_MAX = 16;

	/**
	 * A large map shrinking to this size becomes flat again. Lower than {@link #SMALL_MAX} so that
	 * adding and removing one key at the threshold does not convert back and forth every time.
	 */
	static final int FLAT_AGAIN = SMALL_MAX / 2;

	static final int[] NO_INTS = {};

	private static final Object[] NO_OBJECTS = {};

	private static final PersistentOrderedMap<?, ?> EMPTY = new PersistentOrderedMap<>(0, NO_OBJECTS, NO_INTS,
			null, 0);

	private final int size;

	private final int end;

	private final Object[] data;

	private final int @Nullable [] hashes;

	private final @Nullable PersistentOrderedMapTrie trie;

	private PersistentOrderedMap(int size, Object[] data, int @Nullable [] hashes,
			@Nullable PersistentOrderedMapTrie trie, int end) {
		this.size = size;
		this.data = data;
		this.hashes = hashes;
		this.trie = trie;
		this.end = end;
	}

	/**
	 * Returns the empty map.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @return the empty map (a shared instance)
	 */
	@SuppressWarnings("unchecked")
	public static <K, V> PersistentOrderedMap<K, V> empty() {
		return (PersistentOrderedMap<K, V>) EMPTY;
	}

	/**
	 * Returns a builder that collects entries in a mutable buffer and creates the map in one pass,
	 * which is much cheaper than repeated {@link #put} for many entries.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @return a new, empty builder
	 */
	public static <K, V> PersistentOrderedMapBuilder<K, V> builder() {
		return new PersistentOrderedMapBuilder<>();
	}

	/**
	 * Returns the value for a key.
	 * @param key the key
	 * @return the value, or {@code null} when absent
	 */
	@SuppressWarnings("unchecked")
	public @Nullable V get(Object key) {
		Objects.requireNonNull(key, "key");
		int hash = key.hashCode();
		PersistentOrderedMapTrie t = trie;
		if (t == null) {
			int i = smallIndex(key, hash);
			return (i < 0) ? null : (V) data[(i << 1) + 1];
		}
		int seq = t.find(key, hash);
		if (seq < 0) {
			return null;
		}
		return (V) PersistentOrderedMapVector.leafFor(data, PersistentOrderedMapVector.shiftFor(end), seq)[((seq
				& PersistentOrderedMapVector.MASK) << 1) + 1];
	}

	/**
	 * Tells whether a key is present.
	 * @param key the key
	 * @return {@code true} if present
	 */
	public boolean containsKey(Object key) {
		Objects.requireNonNull(key, "key");
		int hash = key.hashCode();
		PersistentOrderedMapTrie t = trie;
		return (t == null) ? smallIndex(key, hash) >= 0 : t.find(key, hash) >= 0;
	}

	/**
	 * Returns a map with the key bound to the value. An existing key keeps its position; a new key
	 * goes last. Returns {@code this} when the key is already bound to the identical value.
	 * @param key the key
	 * @param value the value
	 * @return the new map
	 */
	public PersistentOrderedMap<K, V> put(K key, V value) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(value, "value");
		int hash = key.hashCode();
		PersistentOrderedMapTrie t = trie;
		if (t == null) {
			return smallPut(key, value, hash);
		}
		int seq = t.find(key, hash);
		if (seq >= 0) {
			int shift = PersistentOrderedMapVector.shiftFor(end);
			Object[] leaf = PersistentOrderedMapVector.leafFor(data, shift, seq);
			int j = (seq & PersistentOrderedMapVector.MASK) << 1;
			if (leaf[j + 1] == value) {
				return this;
			}
			return new PersistentOrderedMap<>(size, PersistentOrderedMapVector.set(data, shift, seq, leaf[j], value),
					null, t, end);
		}
		return new PersistentOrderedMap<>(size + 1, PersistentOrderedMapVector.append(data, end, key, value), null,
				t.insert(key, hash, end, 0), end + 1);
	}

	/**
	 * Puts several entries at once, as {@link #put} one after the other would: a flat map's array
	 * is copied once for all the keys it already holds; keys it does not hold yet are then put one
	 * by one, in the given order (so the order of the entries is the same).
	 * @param keys the keys, the first {@code n} used, none null and none twice
	 * @param values their values, none null
	 * @param n how many entries
	 * @return the new map, or this one when every value is already there
	 */
	public PersistentOrderedMap<K, V> putAll(Object[] keys, Object[] values, int n) {
		return putAll(null, keys, values, n);
	}

	/**
	 * {@link #putAll(Object[], Object[], int)} with a position hint per key ({@link #flatSlot}):
	 * a flat map tries each key at its hint before it scans for it, so keys found earlier on this
	 * map are not searched for again. A wrong hint only costs the scan.
	 * @param hints a slot per key where it was found before, any value (null: none)
	 * @param keys the keys, the first {@code n} used, none null and none twice
	 * @param values their values, none null
	 * @param n how many entries
	 * @return the new map, or this one when every value is already there
	 */
	@SuppressWarnings("unchecked")
	public PersistentOrderedMap<K, V> putAll(int @Nullable [] hints, Object[] keys, Object[] values, int n) {
		if (trie != null) {
			PersistentOrderedMap<K, V> map = this;
			for (int i = 0; i < n; i++) {
				map = map.put((K) keys[i], (V) values[i]);
			}
			return map;
		}
		Object[] d = null;
		boolean missing = false;
		for (int i = 0; i < n; i++) {
			Object key = Objects.requireNonNull(keys[i], "key");
			Object value = Objects.requireNonNull(values[i], "value");
			int at = (hints != null) ? flatSlot(key, hints[i]) : smallIndex(key, key.hashCode());
			if (at < 0) {
				missing = true;
			}
			else if (data[(at << 1) + 1] != value) {
				if (d == null) {
					d = data.clone();
				}
				d[(at << 1) + 1] = value;
			}
		}
		PersistentOrderedMap<K, V> map = (d == null) ? this
				: new PersistentOrderedMap<>(size, d, Objects.requireNonNull(hashes), null, size);
		if (missing) {
			for (int i = 0; i < n; i++) {
				if (smallIndex(keys[i], keys[i].hashCode()) < 0) {
					map = map.put((K) keys[i], (V) values[i]);
				}
			}
		}
		return map;
	}

	private PersistentOrderedMap<K, V> smallPut(K key, V value, int hash) {
		int[] hs = Objects.requireNonNull(hashes);
		int i = smallIndex(key, hash);
		if (i >= 0) {
			if (data[(i << 1) + 1] == value) {
				return this;
			}
			Object[] d = data.clone();
			d[(i << 1) + 1] = value;
			return new PersistentOrderedMap<>(size, d, hs, null, size);
		}
		if (size < SMALL_MAX) {
			Object[] d = Arrays.copyOf(data, (size << 1) + 2);
			d[size << 1] = key;
			d[(size << 1) + 1] = value;
			int[] h = Arrays.copyOf(hs, size + 1);
			h[size] = hash;
			return new PersistentOrderedMap<>(size + 1, d, h, null, size + 1);
		}
		Object[] keys = new Object[size + 1];
		Object[] values = new Object[size + 1];
		for (int j = 0; j < size; j++) {
			keys[j] = data[j << 1];
			values[j] = data[(j << 1) + 1];
		}
		keys[size] = key;
		values[size] = value;
		return of(keys, values, size + 1);
	}

	/**
	 * Returns a map without the key. Returns {@code this} when the key is absent.
	 * @param key the key
	 * @return the new map
	 */
	public PersistentOrderedMap<K, V> remove(Object key) {
		Objects.requireNonNull(key, "key");
		int hash = key.hashCode();
		PersistentOrderedMapTrie t = trie;
		if (t == null) {
			return smallRemove(key, hash);
		}
		int seq = t.find(key, hash);
		if (seq < 0) {
			return this;
		}
		int n = size - 1;
		if (n <= FLAT_AGAIN || end - n > n) {
			// Back to a flat array, or too many tombstones: rebuild from the live entries (flat when
			// they fit).
			Object[] keys = new Object[n];
			Object[] values = new Object[n];
			PersistentOrderedMapVector.collect(data, PersistentOrderedMapVector.shiftFor(end), end, seq, keys, values);
			return of(keys, values, n);
		}
		if (seq == end - 1) {
			return new PersistentOrderedMap<>(n, PersistentOrderedMapVector.pop(data, end), null,
					t.remove(key, hash, 0), end - 1);
		}
		return new PersistentOrderedMap<>(n,
				PersistentOrderedMapVector.set(data, PersistentOrderedMapVector.shiftFor(end), seq, null, null), null,
				t.remove(key, hash, 0), end);
	}

	private PersistentOrderedMap<K, V> smallRemove(Object key, int hash) {
		int i = smallIndex(key, hash);
		if (i < 0) {
			return this;
		}
		if (size == 1) {
			return empty();
		}
		int[] hs = Objects.requireNonNull(hashes);
		int n = size - 1;
		Object[] d = new Object[n << 1];
		System.arraycopy(data, 0, d, 0, i << 1);
		System.arraycopy(data, (i + 1) << 1, d, i << 1, (n - i) << 1);
		int[] h = new int[n];
		System.arraycopy(hs, 0, h, 0, i);
		System.arraycopy(hs, i + 1, h, i, n - i);
		return new PersistentOrderedMap<>(n, d, h, null, n);
	}

	/**
	 * The slot of a key in a flat map, tried at {@code hint} first (the same key instance there
	 * answers without a scan): the slot holding the key, -1 when a flat map does not hold it, -2
	 * for a large map, which has no slots.
	 * @param key the key
	 * @param hint where the key was found before, any value
	 * @return the slot (0 to size - 1), -1 or -2
	 */
	int flatSlot(Object key, int hint) {
		if (trie != null) {
			return -2;
		}
		if (hint >= 0 && hint < size && data[hint << 1] == key) {
			return hint;
		}
		return smallIndex(key, key.hashCode());
	}

	/**
	 * The value in a slot of a flat map, as {@link #flatSlot} found it on this map.
	 * @param slot the slot, 0 to size - 1
	 * @return the value
	 */
	@SuppressWarnings("unchecked")
	V flatValue(int slot) {
		return (V) data[(slot << 1) + 1];
	}

	private int smallIndex(Object key, int hash) {
		int[] hs = hashes;
		Object[] d = data;
		for (int i = 0; i < hs.length; i++) {
			if (hs[i] == hash) {
				Object k = d[i << 1];
				if (k == key || key.equals(k)) {
					return i;
				}
			}
		}
		return -1;
	}

	/** Creates a map of the first {@code n} pairs; keys must be distinct and the arrays are not retained. */
	static <K, V> PersistentOrderedMap<K, V> of(Object[] keys, Object[] values, int n) {
		if (n == 0) {
			return empty();
		}
		int[] hs = new int[n];
		for (int i = 0; i < n; i++) {
			hs[i] = keys[i].hashCode();
		}
		if (n <= SMALL_MAX) {
			Object[] d = new Object[n << 1];
			for (int i = 0; i < n; i++) {
				d[i << 1] = keys[i];
				d[(i << 1) + 1] = values[i];
			}
			return new PersistentOrderedMap<>(n, d, hs, null, n);
		}
		int[] idx = new int[n];
		for (int i = 0; i < n; i++) {
			idx[i] = i;
		}
		PersistentOrderedMapTrie t = PersistentOrderedMapTrie.build(keys, hs, idx, new int[n], 0, n, 0);
		return new PersistentOrderedMap<>(n, PersistentOrderedMapVector.build(keys, values, n), null, t, n);
	}

	/**
	 * Returns the number of entries.
	 * @return the size
	 */
	public int size() {
		return size;
	}

	/**
	 * Tells whether the map is empty.
	 * @return {@code true} when empty
	 */
	public boolean isEmpty() {
		return size() == 0;
	}

	/**
	 * Calls the action for every entry in insertion order.
	 * @param action the action
	 */
	public void forEach(BiConsumer<? super K, ? super V> action) {
		Objects.requireNonNull(action, "action");
		PersistentOrderedMapVector.forEach(data, vectorShift(), action);
	}

	/** The shift of the order vector root; 0 for a flat map, which is laid out like a single leaf. */
	private int vectorShift() {
		return (trie == null) ? 0 : PersistentOrderedMapVector.shiftFor(end);
	}

	/**
	 * Iterates the entries in insertion order. The entries are immutable.
	 * @return the iterator
	 */
	@Override
	public java.util.Iterator<java.util.Map.Entry<K, V>> iterator() {
		return new EntryIterator();
	}

	/**
	 * Iterates the keys in insertion order.
	 * @return the iterator
	 */
	public Iterator<K> keyIterator() {
		return new KeyIterator();
	}

	/** Tells whether this map is a flat array rather than a trie and vector, for tests. */
	boolean isFlat() {
		return trie == null;
	}

	/**
	 * Checks the internal invariants, for tests.
	 * @throws IllegalStateException when broken
	 */
	void verify() {
		PersistentOrderedMapTrie t = trie;
		if (t == null) {
			int[] hs = Objects.requireNonNull(hashes);
			check(size <= SMALL_MAX && end == size && hs.length == size && data.length == size << 1, "small shape");
			for (int i = 0; i < size; i++) {
				check(data[i << 1] != null && data[(i << 1) + 1] != null, "small nulls");
				check(hs[i] == data[i << 1].hashCode(), "small hash");
				check(smallIndex(data[i << 1], hs[i]) == i, "small duplicate");
			}
			return;
		}
		check(size > FLAT_AGAIN && end >= size && end - size <= size, "large shape");
		int shift = PersistentOrderedMapVector.shiftFor(end);
		int[] live = { 0 };
		for (int seq = 0; seq < end; seq++) {
			Object[] leaf = PersistentOrderedMapVector.leafFor(data, shift, seq);
			int j = (seq & PersistentOrderedMapVector.MASK) << 1;
			if (leaf[j] != null) {
				check(leaf[j + 1] != null, "vector value");
				check(t.find(leaf[j], leaf[j].hashCode()) == seq, "trie seq");
				live[0]++;
			}
			else {
				check(leaf[j + 1] == null, "tombstone");
			}
		}
		check(live[0] == size, "vector count");
		int count = t.verify(0, true, (key, seq) -> {
			check(seq >= 0 && seq < end, "seq range");
			Object[] leaf = PersistentOrderedMapVector.leafFor(data, shift, seq);
			check(leaf[(seq & PersistentOrderedMapVector.MASK) << 1] == key, "vector key");
		});
		check(count == size, "trie count");
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Broken map: " + what);
		}
	}

	/** Walks the slots in order, one leaf at a time, skipping tombstones. */
	private abstract class SlotIterator<T> implements Iterator<T> {

		private final int shift = vectorShift();

		private int index;

		private int leafBase = -1;

		private Object[] leaf = NO_OBJECTS;

		@Override
		public boolean hasNext() {
			while (index < end) {
				int base = index & ~PersistentOrderedMapVector.MASK;
				if (base != leafBase) {
					leaf = PersistentOrderedMapVector.leafFor(data, shift, index);
					leafBase = base;
				}
				if (leaf[(index & PersistentOrderedMapVector.MASK) << 1] != null) {
					return true;
				}
				index++;
			}
			return false;
		}

		@Override
		public T next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			int j = (index & PersistentOrderedMapVector.MASK) << 1;
			index++;
			return make(leaf[j], leaf[j + 1]);
		}

		abstract T make(Object key, Object value);

	}

	private final class EntryIterator extends SlotIterator<Map.Entry<K, V>> {

		@Override
		@SuppressWarnings("unchecked")
		Map.Entry<K, V> make(Object key, Object value) {
			return Map.entry((K) key, (V) value);
		}

	}

	private final class KeyIterator extends SlotIterator<K> {

		@Override
		@SuppressWarnings("unchecked")
		K make(Object key, Object value) {
			return (K) key;
		}

	}

}
