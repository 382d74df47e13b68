package io.statetree.core.backend;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * An immutable branch of the state tree (a JSON object): an unmodifiable, insertion-ordered
 * {@code Map<String, Object>} over a persistent map, so handing it out is O(1) and a write copies
 * only the branches on its path. Equality is JSON equality ({@link ValueEquality#equal}). The
 * branch of DESIGN §2 and the persistent tree of §7 ({@code InMemoryBackend}).
 */
final class Branch extends AbstractMap<String, Object> {

	/** The empty branch. */
	public static final Branch EMPTY = new Branch(PersistentOrderedMap.empty());

	private final PersistentOrderedMap<String, Object> children;

	private int hash;

	private @Nullable Set<Map.Entry<String, Object>> entrySet;

	private Branch(PersistentOrderedMap<String, Object> children) {
		this.children = children;
	}

	/**
	 * Wraps a persistent map.
	 * @param children the children
	 * @return the branch
	 */
	public static Branch of(PersistentOrderedMap<String, Object> children) {
		return children.isEmpty() ? EMPTY : new Branch(children);
	}

	/**
	 * Returns the underlying persistent map.
	 * @return the children
	 */
	public PersistentOrderedMap<String, Object> children() {
		return this.children;
	}

	/**
	 * Returns a branch with one child set.
	 * @param key the child's name
	 * @param value its immutable value (not null)
	 * @return the new branch, or this one when the child is already that value
	 */
	public Branch with(String key, Object value) {
		PersistentOrderedMap<String, Object> next = this.children.put(key, value);
		return (next == this.children) ? this : new Branch(next);
	}

	/**
	 * Returns a branch with several children set, as {@link #with} one after the other would
	 * (see {@link PersistentOrderedMap#putAll}).
	 * @param keys the children's names, the first {@code n} used, none twice
	 * @param values their immutable values (not null)
	 * @param n how many children
	 * @return the new branch, or this one when every child is already that value
	 */
	public Branch withAll(Object[] keys, Object[] values, int n) {
		PersistentOrderedMap<String, Object> next = this.children.putAll(keys, values, n);
		return (next == this.children) ? this : new Branch(next);
	}

	/**
	 * Returns a branch without one child.
	 * @param key the child's name
	 * @return the new branch, or this one when the child is absent
	 */
	public Branch without(String key) {
		PersistentOrderedMap<String, Object> next = this.children.remove(key);
		return (next == this.children) ? this : of(next);
	}

	@Override
	public @Nullable Object get(Object key) {
		return (key instanceof String) ? this.children.get(key) : null;
	}

	@Override
	public boolean containsKey(Object key) {
		return (key instanceof String) && this.children.containsKey(key);
	}

	@Override
	public int size() {
		return this.children.size();
	}

	@Override
	public boolean isEmpty() {
		return this.children.isEmpty();
	}

	@Override
	public void forEach(BiConsumer<? super String, ? super Object> action) {
		this.children.forEach(action);
	}

	@Override
	public Set<Map.Entry<String, Object>> entrySet() {
		Set<Map.Entry<String, Object>> set = this.entrySet;
		if (set == null) {
			set = new AbstractSet<>() {
				@Override
				public Iterator<Map.Entry<String, Object>> iterator() {
					return Branch.this.children.iterator();
				}

				@Override
				public int size() {
					return Branch.this.children.size();
				}
			};
			this.entrySet = set;
		}
		return set;
	}

	@Override
	public boolean equals(@Nullable Object o) {
		return (o == this) || ((o instanceof Map<?, ?>) && ValueEquality.equal(this, o));
	}

	@Override
	public int hashCode() {
		int h = this.hash;
		if (h == 0) {
			h = ValueEquality.hash(this);
			this.hash = (h == 0) ? 1 : h;
		}
		return h;
	}

	@Override
	public String toString() {
		return JsonText.print(this);
	}

}
