package io.statetree.core.internal;

import java.util.List;
import java.util.function.Function;

import io.statetree.core.Derivation;
import io.statetree.core.StatePath;
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

	volatile List<StatePath> sources;

	final boolean tracked;

	final Function<Reader, @Nullable Object> compute;

	private final DerivationGraph owner;

	volatile boolean closed;

	/** Rate-limits the logging of this derivation's failures. */
	final FailureLog failures = new FailureLog();

	DerivationImpl(DerivationGraph owner, StatePath destination, List<StatePath> sources, boolean tracked,
			Function<Reader, @Nullable Object> compute) {
		this.owner = owner;
		this.destination = destination;
		this.sources = List.copyOf(sources);
		this.tracked = tracked;
		this.compute = compute;
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
