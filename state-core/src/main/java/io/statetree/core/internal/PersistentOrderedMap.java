package io.statetree.core.internal;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * An immutable, persistent map that keeps insertion order. TEMPORARY copy-on-write array
 * implementation, to be replaced by the CHAMP-based one.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class PersistentOrderedMap<K, V> implements Iterable<Map.Entry<K, V>> {

	private static final PersistentOrderedMap<?, ?> EMPTY = new PersistentOrderedMap<>(new Object[0], new Object[0]);

	private final Object[] keys;

	private final Object[] values;

	private PersistentOrderedMap(Object[] keys, Object[] values) {
		this.keys = keys;
		this.values = values;
	}

	/**
	 * Returns the empty map.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @return the empty map
	 */
	@SuppressWarnings("unchecked")
	public static <K, V> PersistentOrderedMap<K, V> empty() {
		return (PersistentOrderedMap<K, V>) EMPTY;
	}

	private int indexOf(Object key) {
		for (int i = 0; i < this.keys.length; i++) {
			if (this.keys[i].equals(key)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Returns the value for a key.
	 * @param key the key
	 * @return the value or null
	 */
	@SuppressWarnings("unchecked")
	public @Nullable V get(Object key) {
		int i = indexOf(key);
		return (i < 0) ? null : (V) this.values[i];
	}

	/**
	 * Tells whether a key is present.
	 * @param key the key
	 * @return whether present
	 */
	public boolean containsKey(Object key) {
		return indexOf(key) >= 0;
	}

	/**
	 * Returns a map with the key bound.
	 * @param key the key
	 * @param value the value
	 * @return the new map
	 */
	public PersistentOrderedMap<K, V> put(K key, V value) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(value, "value");
		int i = indexOf(key);
		if (i >= 0) {
			if (this.values[i] == value) {
				return this;
			}
			Object[] v = this.values.clone();
			v[i] = value;
			return new PersistentOrderedMap<>(this.keys, v);
		}
		Object[] k = Arrays.copyOf(this.keys, this.keys.length + 1);
		Object[] v = Arrays.copyOf(this.values, this.values.length + 1);
		k[this.keys.length] = key;
		v[this.values.length] = value;
		return new PersistentOrderedMap<>(k, v);
	}

	/**
	 * Returns a map without the key.
	 * @param key the key
	 * @return the new map
	 */
	public PersistentOrderedMap<K, V> remove(Object key) {
		int i = indexOf(key);
		if (i < 0) {
			return this;
		}
		Object[] k = new Object[this.keys.length - 1];
		Object[] v = new Object[this.keys.length - 1];
		System.arraycopy(this.keys, 0, k, 0, i);
		System.arraycopy(this.keys, i + 1, k, i, k.length - i);
		System.arraycopy(this.values, 0, v, 0, i);
		System.arraycopy(this.values, i + 1, v, i, v.length - i);
		return new PersistentOrderedMap<>(k, v);
	}

	/**
	 * Returns the size.
	 * @return the size
	 */
	public int size() {
		return this.keys.length;
	}

	/**
	 * Tells whether the map is empty.
	 * @return whether empty
	 */
	public boolean isEmpty() {
		return size() == 0;
	}

	/**
	 * Calls the action for every entry in insertion order.
	 * @param action the action
	 */
	@SuppressWarnings("unchecked")
	public void forEach(BiConsumer<? super K, ? super V> action) {
		for (int i = 0; i < this.keys.length; i++) {
			action.accept((K) this.keys[i], (V) this.values[i]);
		}
	}

	@Override
	public Iterator<Map.Entry<K, V>> iterator() {
		return new Iterator<>() {
			int i;

			@Override
			public boolean hasNext() {
				return this.i < PersistentOrderedMap.this.keys.length;
			}

			@Override
			@SuppressWarnings("unchecked")
			public Map.Entry<K, V> next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				int at = this.i++;
				return new AbstractMap.SimpleImmutableEntry<>((K) PersistentOrderedMap.this.keys[at],
						(V) PersistentOrderedMap.this.values[at]);
			}
		};
	}

}
