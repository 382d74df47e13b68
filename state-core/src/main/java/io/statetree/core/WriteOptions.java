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

	private static final WriteOptions DEFAULTS = new WriteOptions(null, null, null);

	private final @Nullable Object payload;

	private final @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality;

	private final @Nullable String actor;

	private WriteOptions(@Nullable Object payload, @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality,
			@Nullable String actor) {
		this.payload = payload;
		this.equality = equality;
		this.actor = actor;
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
		return new WriteOptions(payload, null, null);
	}

	/**
	 * Returns options with a custom equality between the stored and the new value: when it says
	 * they are equal, nothing is written and nobody is notified.
	 * @param equality receives the current (immutable) value and the new value as given
	 * @return the options
	 */
	public static WriteOptions equality(BiPredicate<@Nullable Object, @Nullable Object> equality) {
		return new WriteOptions(null, Objects.requireNonNull(equality, "equality"), null);
	}

	/**
	 * Returns a copy with a payload.
	 * @param payload the payload
	 * @return the new options
	 */
	public WriteOptions withPayload(@Nullable Object payload) {
		return new WriteOptions(payload, this.equality, this.actor);
	}

	/**
	 * Returns a copy with an equality.
	 * @param equality the equality
	 * @return the new options
	 */
	public WriteOptions withEquality(BiPredicate<@Nullable Object, @Nullable Object> equality) {
		return new WriteOptions(this.payload, Objects.requireNonNull(equality, "equality"), this.actor);
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


	/**
	 * Returns options naming who makes the change, recorded as {@link Commit#actor()} and
	 * delivered as {@link StateEvent#actor()} (DESIGN §11). Without it the controller's default
	 * actor applies (in Spring Boot the authenticated principal's name).
	 * @param actor a name, e.g. a user name; not blank, at most 256 characters
	 * @return the options
	 * @throws IllegalArgumentException if the name is blank or longer than 256 characters
	 */
	public static WriteOptions actor(String actor) {
		return new WriteOptions(null, null, checkActor(actor));
	}

	/**
	 * Returns a copy of these options naming who makes the change.
	 * @param actor a name; not blank, at most 256 characters
	 * @return the copy
	 * @throws IllegalArgumentException if the name is blank or longer than 256 characters
	 */
	public WriteOptions withActor(String actor) {
		return new WriteOptions(this.payload, this.equality, checkActor(actor));
	}

	/**
	 * Returns who makes the change.
	 * @return the actor, or {@code null} for the controller's default
	 */
	public @Nullable String actor() {
		return this.actor;
	}

	private static String checkActor(String actor) {
		Objects.requireNonNull(actor, "actor");
		if (actor.isBlank() || actor.length() > 256) {
			throw new IllegalArgumentException("Actor name of " + actor.length()
					+ " characters is blank or longer than 256 characters");
		}
		return actor;
	}

}
