package io.statetree.core.internal;

import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * An immutable, persistent map that keeps insertion order: {@link #put} and {@link #remove}
 * return a new map sharing structure with this one and leave this one untouched.
 * <p>
 * Small maps are flat arrays; large ones are a CHAMP trie (compressed hash-array mapped prefix
 * tree) for lookups plus a persistent order index, so {@code get}, {@code put} and {@code remove}
 * stay fast at 100,000 entries and iteration follows insertion order. Re-putting an existing key
 * keeps its position. Keys and values are never {@code null}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class PersistentOrderedMap<K, V> implements Iterable<java.util.Map.Entry<K, V>> {

	// TODO(helper B): implement

	/**
	 * Returns the empty map.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @return the empty map (a shared instance)
	 */
	public static <K, V> PersistentOrderedMap<K, V> empty() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the value for a key.
	 * @param key the key
	 * @return the value, or {@code null} when absent
	 */
	public @Nullable V get(Object key) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Tells whether a key is present.
	 * @param key the key
	 * @return {@code true} if present
	 */
	public boolean containsKey(Object key) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns a map with the key bound to the value. An existing key keeps its position; a new key
	 * goes last. Returns {@code this} when the key is already bound to the identical value.
	 * @param key the key
	 * @param value the value
	 * @return the new map
	 */
	public PersistentOrderedMap<K, V> put(K key, V value) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns a map without the key. Returns {@code this} when the key is absent.
	 * @param key the key
	 * @return the new map
	 */
	public PersistentOrderedMap<K, V> remove(Object key) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the number of entries.
	 * @return the size
	 */
	public int size() {
		throw new UnsupportedOperationException("not yet");
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
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Iterates the entries in insertion order. The entries are immutable.
	 * @return the iterator
	 */
	@Override
	public java.util.Iterator<java.util.Map.Entry<K, V>> iterator() {
		throw new UnsupportedOperationException("not yet");
	}

}
