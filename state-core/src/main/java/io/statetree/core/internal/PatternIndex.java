package io.statetree.core.internal;

import java.util.List;

import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;

/**
 * An index of values registered under path patterns: a trie over segments with literal,
 * {@code *}, {@code **} and variable nodes. Matching a path costs in proportion to the path's depth
 * and the matches, never to the number of registered patterns.
 * <p>
 * Thread-safe: writers replace an immutable trie (copy-on-write); readers work on a snapshot
 * obtained through {@link #root()} and never block.
 *
 * @param <V> the registered values
 */
public final class PatternIndex<V> {

	// TODO(helper A): implement

	/**
	 * A registered value with its pattern and registration order.
	 * @param pattern the pattern it was registered under
	 * @param value the value
	 * @param order the registration order; matches are returned sorted by it
	 * @param <V> the value type
	 */
	public record Entry<V>(PathPattern pattern, V value, long order) {
	}

	/**
	 * A position in the trie after consuming some segments of a concrete path. Immutable.
	 * @param <V> the value type
	 */
	public interface Cursor<V> {

		/**
		 * Consumes one more segment.
		 * @param segment the next segment of the concrete path
		 * @return the cursor after it (possibly dead)
		 */
		Cursor<V> advance(String segment);

		/**
		 * Tells whether no pattern can match the consumed path or any path below it.
		 * @return {@code true} when advancing further is pointless
		 */
		boolean isDead();

		/**
		 * Returns the entries whose pattern matches exactly the consumed path.
		 * @return the entries sorted by {@link Entry#order()}, each at most once
		 */
		List<Entry<V>> matches();

	}

	/**
	 * Registers a value under a pattern. Registering the same value under the same pattern again
	 * keeps the first registration (and its order) and returns {@code false}.
	 * @param pattern the pattern
	 * @param value the value
	 * @param order its registration order
	 * @return {@code true} if it was added
	 */
	public boolean add(PathPattern pattern, V value, long order) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Removes a value from a pattern.
	 * @param pattern the pattern
	 * @param value the value (compared with {@code equals})
	 * @return {@code true} if it was registered
	 */
	public boolean remove(PathPattern pattern, V value) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Tells whether nothing is registered.
	 * @return {@code true} when empty
	 */
	public boolean isEmpty() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns a cursor at the root of a snapshot of the index.
	 * @return the cursor having consumed no segment
	 */
	public Cursor<V> root() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the entries whose pattern matches a path.
	 * @param path the concrete path
	 * @return the entries sorted by registration order
	 */
	public List<Entry<V>> matches(StatePath path) {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns every entry.
	 * @return all entries sorted by registration order
	 */
	public List<Entry<V>> entries() {
		throw new UnsupportedOperationException("not yet");
	}

}
