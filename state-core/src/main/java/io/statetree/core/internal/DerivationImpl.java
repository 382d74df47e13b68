package io.statetree.core.internal;

import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Function;

import io.statetree.core.Derivation;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * A registered derivation. Its sources are fixed, or (for a tracked one) the paths its last run
 * read.
 */
final class DerivationImpl implements Derivation {

	/** Reads the state as the running commit will leave it. */
	interface Reader {

		@Nullable Object read(StatePath path);

	}

	final StatePath destination;

	/**
	 * The destination's parent (the root's own path for the root), one instance shared by the
	 * derivations writing side by side: set at registration ({@link DerivationGraph#install}),
	 * before the derivation is published, and compared by identity first when a commit holds
	 * their writes together ({@link PendingChildren}).
	 */
	StatePath destinationParent;

	volatile List<StatePath> sources;

	/**
	 * Where the destination was last found in its parent branch when a commit held this
	 * derivation's write ({@link PendingChildren#valueOf}): only a hint, tried first and checked,
	 * so a stale value costs a search, never a wrong answer.
	 */
	int slotHint = -1;

	final boolean tracked;

	final Function<Reader, @Nullable Object> compute;

	private final DerivationGraph owner;

	volatile boolean closed;

	/** Rate-limits the logging of this derivation's failures. */
	final FailureLog failures = new FailureLog();

	/** Decides that a recomputation equals the stored value (null: JSON equality); set before registration. */
	private volatile @Nullable BiPredicate<@Nullable Object, @Nullable Object> equality;

	DerivationImpl(DerivationGraph owner, StatePath destination, List<StatePath> sources, boolean tracked,
			Function<Reader, @Nullable Object> compute) {
		this.owner = owner;
		this.destination = destination;
		StatePath parent = destination.parent();
		this.destinationParent = (parent != null) ? parent : destination;
		this.sources = List.copyOf(sources);
		this.tracked = tracked;
		this.compute = compute;
	}

	/**
	 * Takes the equality of write options (DESIGN §16), before the derivation is registered.
	 * @param options the options; only an equality may be set
	 * @return this derivation
	 * @throws IllegalArgumentException naming the destination when the options carry a payload,
	 * an actor, a time to live or are ephemeral: a derived value is written by its derivation only
	 */
	DerivationImpl withOptions(WriteOptions options) {
		java.util.Objects.requireNonNull(options, "options");
		if (options.payload() != null || options.actor() != null || options.ttl() != null || options.isEphemeral()) {
			throw new IllegalArgumentException("The derivation of " + this.destination
					+ " takes only an equality from its WriteOptions; a payload, an actor, a time to live and "
					+ "ephemeral are refused");
		}
		this.equality = options.equality();
		return this;
	}

	/** Whether {@link #changes} compares the model values by JSON equality (the derivation has no equality of its own). */
	boolean comparesModels() {
		return this.equality == null;
	}

	/**
	 * Tells whether a recomputed value changes the stored one: by the derivation's equality when
	 * it has one (given the stored value and the value as the transform returned it), else by
	 * JSON equality of the model values.
	 */
	boolean changes(@Nullable Object stored, @Nullable Object returned, @Nullable Object model) {
		BiPredicate<@Nullable Object, @Nullable Object> custom = this.equality;
		return (custom != null) ? !custom.test(stored, returned) : !StateValues.equal(stored, model);
	}

	@Override
	public StatePath destination() {
		return this.destination;
	}

	@Override
	public List<StatePath> sources() {
		return this.sources;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.owner.remove(this);
		}
	}

	@Override
	public String toString() {
		return "Derivation[" + this.destination + " <- " + this.sources + "]";
	}

}
