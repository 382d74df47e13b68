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
	public static final Branch EMPTY = new Branch(PersistentOrderedMap.empty(), false);

	private final PersistentOrderedMap<String, Object> children;

	/**
	 * Whether a child slot at or below this branch may hold a {@link DueValue} (a due time the
	 * in-memory backend keeps with its leaf, DESIGN §12): conservative, never {@code false} when
	 * one does. A value written into a tree is stripped of them when this is set ({@link TreeDues}).
	 */
	private final boolean timed;

	private int hash;

	private Branch(PersistentOrderedMap<String, Object> children, boolean timed) {
		this.children = children;
		this.timed = timed;
	}

	/**
	 * Wraps a persistent map.
	 * @param children the children
	 * @return the branch
	 */
	public static Branch of(PersistentOrderedMap<String, Object> children) {
		if (children.isEmpty()) {
			return EMPTY;
		}
		boolean[] timed = { false };
		children.forEach((key, value) -> timed[0] |= timedSlot(value));
		return new Branch(children, timed[0]);
	}

	/** Whether a raw slot is or may hold a due time. */
	private static boolean timedSlot(@Nullable Object raw) {
		return raw instanceof DueValue || (raw instanceof Branch b && b.timed);
	}

	/** A raw slot's value: the value a {@link DueValue} wraps, any other as it is. */
	static @Nullable Object unwrap(@Nullable Object raw) {
		return (raw instanceof DueValue due) ? due.value() : raw;
	}

	/**
	 * Whether a slot at or below this branch may hold a due time.
	 * @return {@code false} only when none does
	 */
	boolean isTimed() {
		return this.timed;
	}

	/**
	 * The raw slot of a child: its value, or a {@link DueValue} wrapping it.
	 * @param key the child's name
	 * @return the slot, {@code null} when absent
	 */
	@Nullable Object rawGet(String key) {
		return this.children.get(key);
	}

	/**
	 * Returns a branch with one raw slot set (a value or a {@link DueValue}).
	 * @param key the child's name
	 * @param raw the slot
	 * @return the new branch, or this one when the slot is already that object
	 */
	Branch withRaw(String key, Object raw) {
		PersistentOrderedMap<String, Object> next = this.children.put(key, raw);
		return (next == this.children) ? this : new Branch(next, this.timed || timedSlot(raw));
	}

	/**
	 * Returns the underlying persistent map, its slots raw (a value, or a {@link DueValue} wrapping
	 * one in the in-memory backend's tree; {@link #unwrap} reads one).
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
		return (next == this.children) ? this : new Branch(next, this.timed || timedSlot(value));
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
		return withAll(null, keys, values, n);
	}

	/**
	 * {@link #withAll(Object[], Object[], int)} with a position hint per child, as
	 * {@link #child(String, int[], int)} left them.
	 * @param hints a position per child, any value (null: none)
	 * @param keys the children's names, the first {@code n} used, none twice
	 * @param values their immutable values (not null)
	 * @param n how many children
	 * @return the new branch, or this one when every child is already that value
	 */
	public Branch withAll(int @Nullable [] hints, Object[] keys, Object[] values, int n) {
		PersistentOrderedMap<String, Object> next = this.children.putAll(hints, keys, values, n);
		if (next == this.children) {
			return this;
		}
		boolean timed = this.timed;
		for (int i = 0; i < n && !timed; i++) {
			timed = timedSlot(values[i]);
		}
		return new Branch(next, timed);
	}

	/**
	 * Returns a branch without one child.
	 * @param key the child's name
	 * @return the new branch, or this one when the child is absent
	 */
	public Branch without(String key) {
		PersistentOrderedMap<String, Object> next = this.children.remove(key);
		return (next == this.children) ? this : next.isEmpty() ? EMPTY : new Branch(next, this.timed);
	}

	/**
	 * The value of a child, like {@link #get}, with a position hint: {@code hints[i]} on entry is
	 * where the child was found before (any value), on return where it is now, or -1 when this
	 * branch keeps no positions or has no such child.
	 * @param key the child's name
	 * @param hints the hints
	 * @param i which hint
	 * @return the child's value, or null when absent
	 */
	@Nullable Object child(String key, int[] hints, int i) {
		int slot = this.children.flatSlot(key, hints[i]);
		if (slot >= 0) {
			hints[i] = slot;
			Object raw = this.children.flatValue(slot);
			return (raw instanceof DueValue due) ? due.value() : raw;
		}
		hints[i] = -1;
		return (slot == -1) ? null : get(key);
	}

	@Override
	public @Nullable Object get(Object key) {
		if (!(key instanceof String)) {
			return null;
		}
		Object raw = this.children.get(key);
		return (raw instanceof DueValue due) ? due.value() : raw;
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
		if (!this.timed) {
			this.children.forEach(action);
			return;
		}
		this.children.forEach((key, raw) -> action.accept(key, unwrap(raw)));
	}

	@Override
	public Set<Map.Entry<String, Object>> entrySet() {
		// made per call, not kept: a field for it would make every branch of every path copy larger
		return new AbstractSet<>() {
			@Override
			public Iterator<Map.Entry<String, Object>> iterator() {
				Iterator<Map.Entry<String, Object>> raw = Branch.this.children.iterator();
				if (!Branch.this.timed) {
					return raw;
				}
				return new Iterator<>() {
					@Override
					public boolean hasNext() {
						return raw.hasNext();
					}

					@Override
					public Map.Entry<String, Object> next() {
						Map.Entry<String, Object> entry = raw.next();
						return (entry.getValue() instanceof DueValue due)
								? new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), due.value()) : entry;
					}
				};
			}

			@Override
			public int size() {
				return Branch.this.children.size();
			}
		};
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
