package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * One run of a batch function on one thread (DESIGN §4 Batches): its writes and reads in a
 * {@link TxView} (the reads become the commit's preconditions), the pings it made (heard once,
 * after it commits), and its view of derived values, which agree with its own writes. Only its
 * thread touches it.
 */
final class Batch {

	/** How many times a batch function runs before a batch whose reads keep changing gives up. */
	static final int MAX_ATTEMPTS = 100;

	/** Its reads and writes; replaced only when a held batch goes back to a {@link #mark()}. */
	TxView tx;

	/** The batch's writes with the derivations they trigger applied, or null. */
	private @Nullable TxView derived;

	/** How many writes the batch had when {@link #derived} was computed. */
	private int derivedFor;

	/** The first actor a write of the batch named ({@code WriteOptions.actor}), or null. */
	@Nullable String actor;

	/** The pings made inside the batch, delivered after it commits. */
	final List<Change> pings = new ArrayList<>(0);

	/**
	 * A held batch's operations ({@link HeldBatch}), in order, each re-applying one call on the
	 * thread's open batch, so its commit can replay them on fresh state; null for a batch function's run.
	 */
	@Nullable List<Runnable> operations;

	/** How many recorded operations are running (the writes they make inside are part of them). */
	int recording;

	/** Why the held batch cannot be replayed (an operation that threw after writing part of it), or null. */
	@Nullable String unreplayable;

	/** Why writes joining this batch are refused (its transaction is read-only), or null when they are not. */
	@Nullable String refusal;

	Batch(TxView tx) {
		this.tx = tx;
	}

	/**
	 * The batch as it is now, to go back to with {@link #rollbackTo} (a savepoint of the
	 * transaction holding it).
	 */
	Mark mark() {
		List<Runnable> operations = this.operations;
		return new Mark(this, this.tx.fork(), this.pings.size(), (operations != null) ? operations.size() : 0,
				this.unreplayable, this.actor);
	}

	/**
	 * Goes back to a mark: forgets the writes, pings and recorded calls made since; the values read
	 * since stay checked at commit.
	 */
	void rollbackTo(Mark mark) {
		this.tx = mark.view().fork();
		this.pings.subList(Math.min(mark.pings(), this.pings.size()), this.pings.size()).clear();
		List<Runnable> operations = this.operations;
		if (operations != null) {
			operations.subList(Math.min(mark.operations(), operations.size()), operations.size()).clear();
		}
		this.unreplayable = mark.unreplayable();
		this.actor = mark.actor();
		this.derived = null;
		this.derivedFor = 0;
	}

	/** A batch as it was at one point: its writes (a fork of its view) and how many pings and calls it had. */
	record Mark(Batch batch, TxView view, int pings, int operations, @Nullable String unreplayable,
			@Nullable String actor) {
	}

	void add(Write write) {
		checkWritable(write.path());
		this.tx.add(write);
	}

	/**
	 * Refuses a write or ping of the path when the batch refuses writes ({@link #refusal}).
	 * @throws StateWriteException naming the path and the reason; nothing was written
	 */
	void checkWritable(StatePath path) {
		String refusal = this.refusal;
		if (refusal != null) {
			throw new StateWriteException("Cannot write " + path + ": " + refusal + "; nothing was written");
		}
	}

	/**
	 * {@code set} inside the batch: a value equal to what the batch sees writes nothing, and what
	 * it saw is then checked at commit like a read; a delete below a leaf changes nothing.
	 * @return whether it wrote
	 */
	boolean set(StatePath path, @Nullable Object model, @Nullable Object value,
			@Nullable BiPredicate<@Nullable Object, @Nullable Object> equality, @Nullable Object payload,
			@Nullable Lifetime lifetime) {
		checkWritable(path);
		Object existing = this.tx.readUntracked(path);
		if (equality != null ? equality.test(existing, value) : StateValues.equal(existing, model)) {
			// writing nothing depends on the value there: check it at commit like a read
			if (!StateValues.equal(this.tx.read(path), existing)) {
				this.tx.markConflicted();
			}
			if ((lifetime == null || !lifetime.isKeep()) && existing != null) {
				// the value stays, its lifetime applies, none making it permanent (DESIGN §12)
				add(new Write(path, existing, payload, lifetime));
			}
			return false;
		}
		add(new Write(path, model, payload, lifetime));
		// a delete below a leaf (an index into an array) deletes nothing: the path reads as before
		return model != null || existing == null || !StateValues.equal(this.tx.readUntracked(path), existing);
	}

	/** {@code update} inside the batch: reads through its writes (and derivations), writes when it changed. */
	<T> @Nullable T update(StatePath path, Class<T> type, UnaryOperator<@Nullable T> function, DerivationGraph graph,
			ValueConverter converter) {
		checkWritable(path);
		Object existing = read(path, graph);
		T next = function.apply(converter.convert(path, existing, type));
		Object model = converter.toModel(path, next);
		if (!StateValues.equal(existing, model)) {
			add(new Write(path, model, null));
		}
		else if (existing != null) {
			// an equal rewrite makes the value permanent, like set (DESIGN §12)
			add(new Write(path, existing, null));
		}
		return next;
	}

	/** {@code getOrWrite} inside the batch: the value the batch sees, else the default, written. */
	<T> T getOrWrite(StatePath path, Object model, Class<T> type, T defaultValue, DerivationGraph graph,
			ValueConverter converter) {
		Object existing = read(path, graph);
		if (existing != null) {
			return converter.convert(path, existing, type);
		}
		add(new Write(path, model, null));
		return defaultValue;
	}

	/**
	 * Reads inside the batch: through its writes and, where a derivation writes, with the
	 * derivations recomputed from them, so derived values agree with the batch's own writes.
	 */
	@Nullable Object read(StatePath path, DerivationGraph graph) {
		List<DerivationImpl> ordered = graph.ordered();
		TxView tx = this.tx;
		if (ordered.isEmpty() || tx.writes().isEmpty() || !DerivationGraph.writesNear(ordered, path)) {
			return tx.read(path);
		}
		TxView derived = this.derived;
		if (derived == null || this.derivedFor != tx.writes().size()) {
			derived = tx.fork();
			graph.run(derived, ordered, null, true);
			this.derived = derived;
			this.derivedFor = tx.writes().size();
		}
		return derived.read(path);
	}

	/**
	 * Gives up a batch whose reads changed before it could commit, once it ran as often as allowed.
	 * @param attempt how many times its function ran
	 * @param path the read that changed, when known
	 * @param cause the backend's report, when there is one
	 */
	static void checkAttempts(int attempt, @Nullable StatePath path, @Nullable Throwable cause) {
		if (attempt < MAX_ATTEMPTS) {
			return;
		}
		String what = (path != null) ? "a value it read (" + path + ")" : "the values it read";
		throw new StateException("batch gave up after " + attempt + " attempts: " + what
				+ " kept changing concurrently; nothing was written", cause);
	}

}
