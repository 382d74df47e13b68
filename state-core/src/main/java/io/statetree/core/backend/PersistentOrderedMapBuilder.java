package io.statetree.core.backend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Collects entries and builds a {@link PersistentOrderedMap} in one pass. Putting a key again
 * replaces its value and keeps its position. Not thread-safe; may be reused after
 * {@link #build()}, which does not share the builder's buffers.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class PersistentOrderedMapBuilder<K, V> {

	private Object[] keys = new Object[PersistentOrderedMap.SMALL_MAX];

	private Object[] values = new Object[PersistentOrderedMap.SMALL_MAX];

	private int size;

	/** Key to index, created once the builder holds more than {@link PersistentOrderedMap#SMALL_MAX} entries. */
	private @Nullable HashMap<Object, Integer> index;

	PersistentOrderedMapBuilder() {
	}

	/**
	 * Adds or replaces an entry.
	 * @param key the key
	 * @param value the value
	 * @return this builder
	 */
	public PersistentOrderedMapBuilder<K, V> put(K key, V value) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(value, "value");
		HashMap<Object, Integer> ix = index;
		if (ix != null) {
			Integer i = ix.putIfAbsent(key, size);
			if (i != null) {
				values[i] = value;
				return this;
			}
		}
		else {
			for (int i = 0; i < size; i++) {
				if (keys[i].equals(key)) {
					values[i] = value;
					return this;
				}
			}
		}
		if (size == keys.length) {
			int capacity = size + (size >> 1) + 1;
			keys = Arrays.copyOf(keys, capacity);
			values = Arrays.copyOf(values, capacity);
		}
		keys[size] = key;
		values[size] = value;
		size++;
		if (ix == null && size > PersistentOrderedMap.SMALL_MAX) {
			ix = new HashMap<>();
			for (int i = 0; i < size; i++) {
				ix.put(keys[i], i);
			}
			index = ix;
		}
		return this;
	}

	/**
	 * Returns the number of distinct keys put so far.
	 * @return the size
	 */
	public int size() {
		return size;
	}

	/**
	 * Creates the map of the entries put so far, in the order their keys were first put.
	 * @return the map
	 */
	public PersistentOrderedMap<K, V> build() {
		return PersistentOrderedMap.of(keys, values, size);
	}

}
