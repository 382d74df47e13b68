package io.statetree.core.backend;

import java.util.AbstractList;
import java.util.RandomAccess;

import org.jspecify.annotations.Nullable;

/**
 * An immutable JSON array: an unmodifiable list whose equality is JSON equality (DESIGN §2: an
 * array is a leaf value; index segments read into it).
 */
final class ValueList extends AbstractList<@Nullable Object> implements RandomAccess {

	/** The empty list. */
	public static final ValueList EMPTY = new ValueList(new Object[0]);

	private final @Nullable Object[] elements;

	private ValueList(@Nullable Object[] elements) {
		this.elements = elements;
	}

	/**
	 * Wraps an array the caller gives up.
	 * @param elements immutable values (nulls allowed); not copied
	 * @return the list
	 */
	public static ValueList wrap(@Nullable Object[] elements) {
		return (elements.length == 0) ? EMPTY : new ValueList(elements);
	}

	@Override
	public @Nullable Object get(int index) {
		return this.elements[index];
	}

	@Override
	public int size() {
		return this.elements.length;
	}

	@Override
	public boolean equals(@Nullable Object o) {
		return (o == this) || ((o instanceof java.util.List<?>) && ValueEquality.equal(this, o));
	}

	@Override
	public int hashCode() {
		return ValueEquality.hash(this);
	}

	@Override
	public String toString() {
		return JsonText.print(this);
	}

}
