package io.statetree.core.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.Write;

/**
 * A batch held open across calls on one thread ({@link HeldBatches#open()}): the writes of that
 * thread join it and its reads see them, until {@link #commit()} or {@link #discard()}. Unlike a
 * {@code batch(...)} function it cannot run its caller's code again, but it records its calls
 * (set, delete, setAll, increment, update, getOrWrite, ping, restore, batch): when a value it read
 * changed before the commit, the commit replays them on fresh state as a batch function. Not public
 * API. Used by its owning thread only.
 */
public final class HeldBatch {

	private final BatchRunner runner;

	private final Batch batch;

	private volatile boolean finished;

	HeldBatch(BatchRunner runner, Batch batch) {
		this.runner = runner;
		this.batch = batch;
	}

	/**
	 * Closes the batch on this thread for a while (another transaction runs); writes now commit
	 * at once or join another batch.
	 */
	public void suspend() {
		if (!this.finished && this.runner.isCurrent(this.batch)) {
			this.runner.suspend();
		}
	}

	/**
	 * Opens the batch again on this thread after {@link #suspend()}.
	 * @throws IllegalStateException when another batch is open on this thread
	 */
	public void resume() {
		if (this.finished || this.runner.isCurrent(this.batch)) {
			return;
		}
		if (this.runner.current() != null) {
			throw new IllegalStateException("Another batch is open on this thread");
		}
		this.runner.resume(this.batch);
	}

	/**
	 * Closes the batch and commits its writes atomically; listeners hear them after that. Does
	 * nothing when it was already committed or discarded.
	 * @throws io.statetree.core.StateException when a value it read changed before the commit and
	 * the batch cannot be replayed (a call that threw had left part of its writes in it), or a
	 * replayed call threw (its own exception), or the replay gave up (nothing was written in
	 * each case), or the backend's failure ({@code StateStorageException},
	 * {@code StateWriteException}); never after the writes were applied
	 */
	public void commit() {
		if (close()) {
			this.runner.commitHeld(this.batch);
		}
	}

	/**
	 * Makes the batch refuse writes from now on (its transaction is read-only): a write or ping
	 * joining it, also from a batch function run inside it, throws
	 * {@link io.statetree.core.StateWriteException} naming the path and the reason, and writes
	 * nothing. Reads are unaffected.
	 * @param reason why, completing "Cannot write /path: ..."; names no value
	 */
	public void refuseWrites(String reason) {
		Objects.requireNonNull(reason, "reason");
		this.batch.refusal = reason;
	}

	/**
	 * Marks the batch as it is now (a savepoint of the transaction holding it).
	 * @return the mark, to give to {@link #rollbackTo}; opaque
	 */
	public Object mark() {
		return this.batch.mark();
	}

	/**
	 * Goes back to a mark of this batch: the writes, pings and calls made since are forgotten (the
	 * values read since stay checked at commit). Does nothing when the batch is finished.
	 * @param mark a mark {@link #mark()} returned for this batch
	 * @throws IllegalArgumentException when it is not a mark of this batch
	 */
	public void rollbackTo(Object mark) {
		Objects.requireNonNull(mark, "mark");
		if (!(mark instanceof Batch.Mark own) || own.batch() != this.batch) {
			throw new IllegalArgumentException("Not a mark of this batch: " + mark.getClass().getName());
		}
		if (!this.finished) {
			this.batch.rollbackTo(own);
		}
	}

	/** Closes the batch and forgets its writes. Does nothing when it was already finished. */
	public void discard() {
		close();
	}

	/** Whether it was committed or discarded. */
	public boolean isFinished() {
		return this.finished;
	}

	/**
	 * The paths the batch writes or pings, in the order first written, for logs; never values.
	 * @return the paths
	 */
	public List<StatePath> paths() {
		Set<StatePath> paths = new LinkedHashSet<>();
		for (Write write : List.copyOf(this.batch.tx.writes())) {
			paths.add(write.path());
		}
		for (Change ping : List.copyOf(this.batch.pings)) {
			paths.add(ping.path());
		}
		return List.copyOf(paths);
	}

	private boolean close() {
		if (this.finished) {
			return false;
		}
		this.finished = true;
		if (this.runner.isCurrent(this.batch)) {
			this.runner.suspend();
		}
		return true;
	}

}
