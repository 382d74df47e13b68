package io.statetree.core.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.Write;

/**
 * A batch held open across calls on one thread ({@link HeldBatches#open()}): the writes of that
 * thread join it and its reads see them, until {@link #commit()} or {@link #discard()}. Unlike a
 * {@code batch(...)} function it cannot run again, so a conflict with a value it read fails its
 * commit. Not public API. Used by its owning thread only.
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
	 * @throws io.statetree.core.StateException when a value it read changed before the commit
	 * (nothing was written), or the backend's failure ({@code StateStorageException},
	 * {@code StateWriteException}); never after the writes were applied
	 */
	public void commit() {
		if (close()) {
			this.runner.commitHeld(this.batch);
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
