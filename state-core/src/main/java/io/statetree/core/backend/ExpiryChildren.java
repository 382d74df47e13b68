package io.statetree.core.backend;

import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The children of one node of the {@link ExpiryIndex} trie: immutable and persistent like the
 * {@link PersistentOrderedMap} it falls back to, but a node with one child (the common case on a
 * path that carries a lifetime: {@code /presence/<instance>}, {@code /session/<id>/token}) holds
 * it inline, so rewriting an entry copies one small object per level instead of a map and its
 * array. Insertion order is kept. Thread-safe: instances are immutable.
 *
 * @param <N> the node type
 */
final class ExpiryChildren<N> {

	private static final ExpiryChildren<?> EMPTY = new ExpiryChildren<>(null, null, null);

	/** The one child's key, when there is exactly one child and no map. */
	private final @Nullable String onlyKey;

	private final @Nullable N only;

	/** Two children or more (or once there were: a map shrunk to one stays a map). */
	private final @Nullable PersistentOrderedMap<String, N> many;

	private ExpiryChildren(@Nullable String onlyKey, @Nullable N only, @Nullable PersistentOrderedMap<String, N> many) {
		this.onlyKey = onlyKey;
		this.only = only;
		this.many = many;
	}

	/**
	 * No children.
	 * @param <N> the node type
	 * @return the shared empty instance
	 */
	@SuppressWarnings("unchecked")
	static <N> ExpiryChildren<N> empty() {
		return (ExpiryChildren<N>) EMPTY;
	}

	/** The child under a key, or {@code null}. */
	@Nullable N get(String key) {
		PersistentOrderedMap<String, N> m = this.many;
		if (m != null) {
			return m.get(key);
		}
		String k = this.onlyKey;
		return (k != null && k.equals(key)) ? this.only : null;
	}

	boolean isEmpty() {
		return this.onlyKey == null && this.many == null;
	}

	/** These children with one put (replaced in place, or added last); {@code this} when identical. */
	ExpiryChildren<N> put(String key, N child) {
		PersistentOrderedMap<String, N> m = this.many;
		if (m != null) {
			PersistentOrderedMap<String, N> next = m.put(key, child);
			return (next == m) ? this : new ExpiryChildren<>(null, null, next);
		}
		String k = this.onlyKey;
		if (k == null) {
			return new ExpiryChildren<>(key, child, null);
		}
		if (k.equals(key)) {
			return (this.only == child) ? this : new ExpiryChildren<>(k, child, null);
		}
		return new ExpiryChildren<>(null, null,
				PersistentOrderedMap.<String, N>empty().put(k, this.only).put(key, child));
	}

	/** These children without one; {@code this} when it is absent. */
	ExpiryChildren<N> remove(String key) {
		PersistentOrderedMap<String, N> m = this.many;
		if (m != null) {
			PersistentOrderedMap<String, N> next = m.remove(key);
			if (next == m) {
				return this;
			}
			return next.isEmpty() ? empty() : new ExpiryChildren<>(null, null, next);
		}
		String k = this.onlyKey;
		return (k != null && k.equals(key)) ? empty() : this;
	}

	/** Calls the action for every child, in insertion order. */
	void forEach(BiConsumer<String, N> action) {
		PersistentOrderedMap<String, N> m = this.many;
		if (m != null) {
			m.forEach(action);
		}
		else if (this.onlyKey != null) {
			action.accept(this.onlyKey, this.only);
		}
	}

}
