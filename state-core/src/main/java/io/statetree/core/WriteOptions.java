package io.statetree.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiPredicate;

import org.jspecify.annotations.Nullable;

/**
 * Options for one write: a payload delivered with its events, the equality that decides
 * whether the write changes anything, who makes it, and how long the value lives (a time to live
 * or the life of this instance, DESIGN §12). Immutable and thread-safe.
 * <p>
 * Built with the static factories ({@code WriteOptions.payload(obj)},
 * {@code WriteOptions.equality(predicate)}, {@code WriteOptions.actor(name)},
 * {@code WriteOptions.ttl(duration)}, {@code WriteOptions.ephemeral()}) and the {@code with...}
 * copies; read with the record-style accessors.
 */
public final class WriteOptions {

	/** The shortest time to live: one millisecond. */
	static final Duration MIN_TTL = Duration.ofMillis(1);

	/** The longest time to live: 3,650 days (about ten years). */
	static final Duration MAX_TTL = Duration.ofDays(3650);

	private static final WriteOptions DEFAULTS = new WriteOptions(null, null, null, null, false);

	private final @Nullable Object payload;

	private final @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality;

	private final @Nullable String actor;

	private final @Nullable Duration ttl;

	private final boolean ephemeral;

	private WriteOptions(@Nullable Object payload, @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality,
			@Nullable String actor, @Nullable Duration ttl, boolean ephemeral) {
		this.payload = payload;
		this.equality = equality;
		this.actor = actor;
		this.ttl = ttl;
		this.ephemeral = ephemeral;
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
		return new WriteOptions(payload, null, null, null, false);
	}

	/**
	 * Returns options with a custom equality between the stored and the new value: when it says
	 * they are equal, nothing is written and nobody is notified.
	 * @param equality receives the current (immutable) value and the new value as given
	 * @return the options
	 */
	public static WriteOptions equality(BiPredicate<@Nullable Object, @Nullable Object> equality) {
		return new WriteOptions(null, Objects.requireNonNull(equality, "equality"), null, null, false);
	}

	/**
	 * Returns a copy with a payload.
	 * @param payload the payload
	 * @return the new options
	 */
	public WriteOptions withPayload(@Nullable Object payload) {
		return new WriteOptions(payload, this.equality, this.actor, this.ttl, this.ephemeral);
	}

	/**
	 * Returns a copy with an equality.
	 * @param equality the equality
	 * @return the new options
	 */
	public WriteOptions withEquality(BiPredicate<@Nullable Object, @Nullable Object> equality) {
		return new WriteOptions(this.payload, Objects.requireNonNull(equality, "equality"), this.actor, this.ttl,
				this.ephemeral);
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
		return new WriteOptions(null, null, checkActor(actor), null, false);
	}

	/**
	 * Returns a copy of these options naming who makes the change.
	 * @param actor a name; not blank, at most 256 characters
	 * @return the copy
	 * @throws IllegalArgumentException if the name is blank or longer than 256 characters
	 */
	public WriteOptions withActor(String actor) {
		return new WriteOptions(this.payload, this.equality, checkActor(actor), this.ttl, this.ephemeral);
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

	/**
	 * Options that make the value expire after a time to live (DESIGN §12). A read after it is due
	 * returns {@code null} at once; the deletion is an ordinary commit whose events say
	 * {@link StateEvent#isExpiry()}, made once (cluster-wide on Redis) within one second of the
	 * due time. A later write without a time to live makes the value permanent, a write with one
	 * restarts the clock, and a time to live on a branch covers its subtree (writes below keep it).
	 * Due times are measured on a monotonic clock (the Redis server's clock on Redis), so a step of
	 * the machine's clock does not expire anything early; they are kept to the millisecond.
	 * @param ttl how long the value lives, from 1 ms to 3,650 days
	 * @return the options
	 * @throws IllegalArgumentException naming the duration when it is zero, negative, below 1 ms
	 * or above 3,650 days
	 */
	public static WriteOptions ttl(Duration ttl) {
		return new WriteOptions(null, null, null, checkTtl(ttl), false);
	}

	/**
	 * Returns a copy of these options with a time to live ({@link #ttl(Duration)}).
	 * @param ttl how long the value lives, from 1 ms to 3,650 days
	 * @return the new options
	 * @throws IllegalArgumentException naming the duration when it is out of range, or when these
	 * options are {@linkplain #ephemeral() ephemeral}
	 */
	public WriteOptions withTtl(Duration ttl) {
		Duration checked = checkTtl(ttl);
		if (this.ephemeral) {
			throw new IllegalArgumentException("A time to live of " + ttl + " cannot be combined with ephemeral()");
		}
		return new WriteOptions(this.payload, this.equality, this.actor, checked, false);
	}

	/**
	 * Options that bind the value to this instance (DESIGN §12): it is deleted by an expiry commit
	 * when the controller closes; on Redis also when the instance stops renewing its lease for
	 * {@code statetree.redis.lease-timeout} (a crash included), by a surviving instance; on the
	 * filesystem at the next open after a crash. This is how presence is kept:
	 * {@code /presence/{instanceId}}.
	 * @return the options
	 */
	public static WriteOptions ephemeral() {
		return new WriteOptions(null, null, null, null, true);
	}

	/**
	 * Returns an {@linkplain #ephemeral() ephemeral} copy of these options.
	 * @return the new options
	 * @throws IllegalArgumentException when these options carry a time to live
	 */
	public WriteOptions withEphemeral() {
		if (this.ttl != null) {
			throw new IllegalArgumentException("ephemeral() cannot be combined with a time to live of " + this.ttl);
		}
		return new WriteOptions(this.payload, this.equality, this.actor, null, true);
	}

	/**
	 * Returns the time to live.
	 * @return the duration, or {@code null} when the value does not expire by time
	 */
	public @Nullable Duration ttl() {
		return this.ttl;
	}

	/**
	 * Tells whether the value lives as long as this instance.
	 * @return {@code true} for {@linkplain #ephemeral() ephemeral} writes
	 */
	public boolean isEphemeral() {
		return this.ephemeral;
	}

	private static Duration checkTtl(Duration ttl) {
		Objects.requireNonNull(ttl, "ttl");
		if (ttl.compareTo(MIN_TTL) < 0) {
			throw new IllegalArgumentException("Time to live " + ttl + " is below 1 ms (zero and negative durations "
					+ "are refused)");
		}
		if (ttl.compareTo(MAX_TTL) > 0) {
			throw new IllegalArgumentException("Time to live " + ttl + " is above 3,650 days");
		}
		return ttl;
	}

}
