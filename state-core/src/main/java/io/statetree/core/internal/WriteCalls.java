package io.statetree.core.internal;

import java.util.List;
import java.util.function.UnaryOperator;

import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The plumbing of the controller's write calls ({@code getOrWrite}, {@code set}, {@code update},
 * {@code ping}, {@code increment}, a new derivation): a call made inside a batch on this thread
 * joins the batch, any other goes through the {@link CommitTemplate} as a commit of its own. The
 * controller checks that it is open and the arguments are there before calling. Immutable;
 * thread-safe.
 */
final class WriteCalls {

	private final StateBackend backend;

	private final ValueConverter converter;

	private final CommitTemplate commits;

	private final BatchRunner batches;

	private final DerivationGraph graph;

	private final Lifetimes lifetimes;

	private final ScopedReads reads;

	private final Increments increments;

	WriteCalls(StateBackend backend, ValueConverter converter, CommitTemplate commits, BatchRunner batches,
			DerivationGraph graph, Lifetimes lifetimes, ScopedReads reads, Increments increments) {
		this.backend = backend;
		this.converter = converter;
		this.commits = commits;
		this.batches = batches;
		this.graph = graph;
		this.lifetimes = lifetimes;
		this.reads = reads;
		this.increments = increments;
	}

	/** {@code getOrWrite}: the value there, else writes the default value (not null) and returns it. */
	<T> T getOrWrite(StatePath p, Class<T> type, T defaultValue) {
		Object model = this.converter.toModel(p, defaultValue);
		Batch current = this.batches.forWrite();
		if (current != null) {
			return this.batches.joined(current, () -> getOrWrite(p, type, defaultValue),
					() -> current.getOrWrite(p, model, type, defaultValue, this.graph, this.converter));
		}
		this.reads.noteEffectRead(p);
		Object existing = IfAbsentWrite.write(this.commits, new Write(p, model, null));
		return (existing != null) ? this.converter.convert(p, existing, type) : defaultValue;
	}

	/**
	 * {@code set} with options.
	 * @return whether anything changed (inside a batch: whether the batch's view changed)
	 * @throws StateWriteException when a non-object value is written at the root
	 */
	boolean set(StatePath path, @Nullable Object value, WriteOptions options) {
		return setModel(path, this.converter.toModel(path, value), value, options);
	}

	/**
	 * {@code set} of a value already converted to the model (the asynchronous API converts on the
	 * calling thread, so that a value the caller changes afterwards is written as it was at the call).
	 * @param model the immutable model value of {@code value}
	 * @param value the value as given, for the equality
	 */
	boolean setModel(StatePath path, @Nullable Object model, @Nullable Object value, WriteOptions options) {
		if (path.isRoot() && model != null && !StateValues.isBranch(model)) {
			throw new StateWriteException("Cannot write a non-object value at /: the root is always a branch");
		}
		var equality = options.equality();
		var lifetime = this.lifetimes.of(path, options);
		Batch current = this.batches.forWrite();
		if (current != null) {
			return this.batches.joined(current, () -> setModel(path, model, value, options), () -> {
				if (current.operations != null && lifetime != null && !lifetime.isKeep()) {
					// a held batch (a transaction) commits after its caller's other resources did: a
					// lifetime the backend refuses at this path (a hybrid's mount point) is refused now
					this.backend.checkCommit(new CommitRequest(List.of(new Write(path, null, null, lifetime)),
							List.of(), this.commits.instanceId()));
				}
				if (current.actor == null) {
					current.actor = options.actor();
				}
				return current.set(path, model, value, equality, options.payload(), lifetime);
			});
		}
		return this.commits.write(new Write(path, model, options.payload(), lifetime), value, equality,
				options.actor());
	}

	/**
	 * {@code update}: a compare-and-set tried again while the value keeps changing concurrently.
	 * @return the value written
	 * @throws StateException after {@link CommitTemplate#MAX_ATTEMPTS} conflicting attempts
	 */
	<T> @Nullable T update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function) {
		Batch current = this.batches.forWrite();
		if (current != null) {
			return this.batches.joined(current, () -> update(path, type, function),
					() -> current.update(path, type, function, this.graph, this.converter));
		}
		Update<T> update = new Update<>(this.backend, this.converter, path, type, function);
		for (int attempt = 1;; attempt++) {
			this.commits.run(update, null, null, null);
			PreconditionFailedException conflict = update.conflict;
			if (conflict == null) {
				return update.next;
			}
			if (attempt >= CommitTemplate.MAX_ATTEMPTS) {
				throw new StateException("update of " + path + " gave up after " + attempt
						+ " attempts: the value kept changing concurrently", conflict);
			}
		}
	}

	/** {@code ping}: heard like a change of the path to the value there, writing nothing. */
	void ping(StatePath p, @Nullable Object payload) {
		Batch current = this.batches.forWrite();
		if (current != null) {
			// heard after the batch commits, once, like its writes
			this.batches.joined(current, () -> ping(p, payload),
					() -> {
						current.checkWritable(p);
						return current.pings.add(new Change(p, null, null, payload));
					});
			return;
		}
		this.commits.ping(p, payload);
	}

	/** {@code increment}: inside a batch on the batch's view, else one backend call. */
	long increment(StatePath path, long delta) {
		Batch current = this.batches.forWrite();
		return (current != null)
				? this.batches.joined(current, () -> increment(path, delta),
						() -> this.increments.inBatch(current, path, delta))
				: this.increments.increment(path, delta);
	}

	/**
	 * A new derivation: adds it to the graph and commits its first value.
	 * @throws IllegalArgumentException when it would write the root
	 */
	void install(DerivationImpl derivation) {
		if (derivation.destination.isRoot()) {
			throw new IllegalArgumentException("A derivation cannot write the root");
		}
		this.commits.install(derivation);
	}

}
