package io.statetree.core;

import java.util.Objects;
import java.util.function.BiPredicate;

import org.jspecify.annotations.Nullable;

/**
 * Options for one write: a payload delivered with its events, and the equality that decides
 * whether the write changes anything. Immutable and thread-safe.
 * <p>
 * Built with the static factories ({@code WriteOptions.payload(obj)},
 * {@code WriteOptions.equality(predicate)}) and the {@code with...} copies; read with the
 * record-style accessors {@link #payload()} and {@link #equality()}.
 */
public final class WriteOptions {

	private static final WriteOptions DEFAULTS = new WriteOptions(null, null);

	private final @Nullable Object payload;

	private final @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality;

	private WriteOptions(@Nullable Object payload, @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality) {
		this.payload = payload;
		this.equality = equality;
	}

	/**
	 * Returns the defaults: no payload, JSON equality.
	 * @return the default options
	 */
	public static WriteOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns options carrying a payload, delivered as {@link StateEvent#payload()}.
	 * @param payload any object; it is handed to listeners as is
	 * @return the options
	 */
	public static WriteOptions payload(@Nullable Object payload) {
		return new WriteOptions(payload, null);
	}

	/**
	 * Returns options with a custom equality between the stored and the new value: when it says
	 * they are equal, nothing is written and nobody is notified.
	 * @param equality receives the current (immutable) value and the new value as given
	 * @return the options
	 */
	public static WriteOptions equality(BiPredicate<@Nullable Object, @Nullable Object> equality) {
		return new WriteOptions(null, Objects.requireNonNull(equality, "equality"));
	}

	/**
	 * Returns a copy with a payload.
	 * @param payload the payload
	 * @return the new options
	 */
	public WriteOptions withPayload(@Nullable Object payload) {
		return new WriteOptions(payload, this.equality);
	}

	/**
	 * Returns a copy with an equality.
	 * @param equality the equality
	 * @return the new options
	 */
	public WriteOptions withEquality(BiPredicate<@Nullable Object, @Nullable Object> equality) {
		return new WriteOptions(this.payload, Objects.requireNonNull(equality, "equality"));
	}

	/**
	 * Returns the payload (a record-style accessor beside the static factory
	 * {@link #payload(Object)}, which takes an argument).
	 * @return the payload, or {@code null}
	 */
	public @Nullable Object payload() {
		return this.payload;
	}

	/**
	 * Returns the custom equality (a record-style accessor beside the static factory
	 * {@link #equality(BiPredicate)}, which takes an argument).
	 * @return the equality, or {@code null} for JSON equality
	 */
	public @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality() {
		return this.equality;
	}

}
