package io.statetree.core.internal;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * {@code increment} (DESIGN §19): an atomic counter. Inside a batch it reads through the batch
 * and writes like {@code set}; otherwise the backend's own increment when it has one and no
 * derivation needs to join the commit, else read, add and commit under the commit lock (with
 * the value read as a precondition on a shared backend, tried again when another instance
 * changed it). Absent counts as 0; anything but an integer within a {@code long} is refused.
 * Thread-safe.
 */
final class Increments {

	private final StateBackend backend;

	private final CommitTemplate commits;

	private final DerivationGraph graph;

	Increments(StateBackend backend, CommitTemplate commits, DerivationGraph graph) {
		this.backend = backend;
		this.commits = commits;
		this.graph = graph;
	}

	/** Adds {@code delta} inside a batch: reads through its writes, writes the sum. */
	long inBatch(Batch batch, StatePath path, long delta) {
		batch.checkWritable(path);
		long next = add(path, integer(path, batch.read(path, this.graph)), delta);
		Object model = stored(next);
		batch.set(path, model, model, null, null, Lifetime.KEEP);
		return next;
	}

	/** Adds {@code delta} in a commit of its own. */
	long increment(StatePath path, long delta) {
		Counter counter = new Counter(path, delta);
		for (int attempt = 1;; attempt++) {
			this.commits.run(Counter.WORK, this, counter, null);
			PreconditionFailedException conflict = counter.conflict;
			if (conflict == null) {
				return counter.result;
			}
			if (attempt >= CommitTemplate.MAX_ATTEMPTS) {
				throw new StateException("increment of " + path + " gave up after " + attempt
						+ " attempts: the value kept changing concurrently", conflict);
			}
		}
	}

	/** One {@code increment} call: what it returns, or why its commit must be tried again. */
	private static final class Counter {

		static final CommitTemplate.Work<Increments, Counter, @Nullable Void> WORK = (commits, increments, counter,
				unused) -> increments.underLock(commits, counter);

		final StatePath path;

		final long delta;

		long result;

		@Nullable PreconditionFailedException conflict;

		Counter(StatePath path, long delta) {
			this.path = path;
			this.delta = delta;
		}

	}

	private boolean underLock(CommitTemplate commits, Counter counter) {
		counter.conflict = null;
		StatePath path = counter.path;
		if (this.graph.ordered().isEmpty()) {
			CommitResult own = this.backend.increment(path, counter.delta, commits.context());
			if (own != null) {
				counter.result = resultOf(path, own);
				return commits.record(own);
			}
		}
		Object existing = commits.readLocked(path);
		long next = add(path, integer(path, existing), counter.delta);
		counter.result = next;
		if (existing != null && counter.delta == 0) {
			return false;
		}
		List<Precondition> preconditions = this.backend.isShared() ? List.of(new Precondition(path, existing))
				: List.of();
		try {
			return commits.commit(List.of(new Write(path, stored(next), null, Lifetime.KEEP)), preconditions);
		}
		catch (PreconditionFailedException ex) {
			counter.conflict = ex;
			return false;
		}
	}

	/**
	 * The sum as the value model holds it, exactly what {@code set(path, sum)} stores (an
	 * {@code Integer} when it fits, else a {@code Long}), so reads and the history agree on
	 * every backend.
	 */
	static Object stored(long sum) {
		return StateValues.normalizeNumber(sum);
	}

	/** The counter's value after a backend's own increment. */
	private static long resultOf(StatePath path, CommitResult result) {
		if (result.changes().isEmpty()) {
			throw new StateWriteException("increment of " + path + ": the backend reported no change");
		}
		return integer(path, result.changes().get(0).newValue());
	}

	private static long add(StatePath path, long current, long delta) {
		try {
			return Math.addExact(current, delta);
		}
		catch (ArithmeticException ex) {
			throw new StateWriteException("Cannot increment " + path + " by " + delta
					+ ": the sum overflows a long; nothing was written");
		}
	}

	/**
	 * The integer a counter holds (0 when absent).
	 * @throws StateWriteException naming the path and what the value is, never the value
	 */
	static long integer(StatePath path, @Nullable Object value) {
		if (value == null) {
			return 0;
		}
		if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof BigInteger big) {
			if (big.bitLength() < Long.SIZE) {
				return big.longValue();
			}
			throw new StateWriteException("Cannot increment " + path
					+ ": the integer there is outside the range of a long; nothing was written");
		}
		throw new StateWriteException("Cannot increment " + path + ": the value there is " + kind(value)
				+ ", not an integer; nothing was written");
	}

	private static String kind(Object value) {
		if (value instanceof Number) {
			return "a decimal number";
		}
		if (value instanceof CharSequence) {
			return "a string";
		}
		if (value instanceof Boolean) {
			return "a boolean";
		}
		if (value instanceof Map) {
			return "a branch";
		}
		if (value instanceof List) {
			return "a list";
		}
		return "not a number";
	}

}
