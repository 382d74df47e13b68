package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * Runs batches (DESIGN §4 Batches): the batch open on each thread, and serialisable commits — a
 * batch function whose reads changed before its commit (or that read two states of the tree)
 * runs again, the first time without the commit lock and then under it, up to
 * {@link Batch#MAX_ATTEMPTS} times. Its pings are heard once, after it committed. Thread-safe.
 */
final class BatchRunner {

	private final StateBackend backend;

	private final String instanceId;

	private final CommitTemplate commits;

	private final ThreadLocal<@Nullable Batch> batch = new ThreadLocal<>();

	/** How many batches are open on any thread, so reads skip the thread-local when none is. */
	private final AtomicInteger openBatches = new AtomicInteger();

	BatchRunner(StateBackend backend, String instanceId, CommitTemplate commits) {
		this.backend = backend;
		this.instanceId = instanceId;
		this.commits = commits;
	}

	/** The batch open on this thread, or null. */
	@Nullable Batch current() {
		return (this.openBatches.get() > 0) ? this.batch.get() : null;
	}

	/**
	 * Closes this thread's batch for a while (an effect started inside a batch is not part of it).
	 * @return the batch to give to {@link #resume}, or null when none was open
	 */
	@Nullable Batch suspend() {
		Batch outer = current();
		if (outer != null) {
			this.batch.remove();
			this.openBatches.decrementAndGet();
		}
		return outer;
	}

	/** Opens again a batch {@link #suspend} closed. */
	void resume(@Nullable Batch outer) {
		if (outer != null) {
			this.batch.set(outer);
			this.openBatches.incrementAndGet();
		}
	}

	/**
	 * Runs a batch function and commits its writes atomically, running it again while its reads
	 * keep changing; inside another batch the function joins it.
	 * @return what the function returned on the run that committed
	 */
	<R> R run(Supplier<R> writes) {
		Batch outer = current();
		if (outer != null) {
			return writes.get();
		}
		R outcome;
		List<Change> pings;
		boolean changed = false;
		for (int attempt = 1;; attempt++) {
			// The first run is optimistic: it reads without the commit lock. After a conflict the
			// function runs under the lock, as update's does, so this controller's other writers
			// cannot make it fail again; only other instances (or writes behind the controller's
			// back) still can.
			boolean holding = false;
			if (attempt > 1) {
				this.commits.lock();
				holding = true;
			}
			R result;
			Batch current = new Batch(new TxView(this.backend, true));
			try {
				this.batch.set(current);
				this.openBatches.incrementAndGet();
				try {
					result = writes.get();
				}
				catch (RuntimeException | Error ex) {
					if (ex instanceof VirtualMachineError || !sawTwoStates(current.tx)) {
						throw ex;
					}
					// the function concluded from reads of two states of the tree (a value one read
					// and another read after a commit changed it): run it again on one state
					Batch.checkAttempts(attempt, null, ex);
					continue;
				}
				finally {
					this.batch.remove();
					this.openBatches.decrementAndGet();
				}
				if (current.tx.conflicted()) {
					Batch.checkAttempts(attempt, null, null);
					continue;
				}
				if (current.tx.writes().isEmpty()) {
					if (!current.tx.isSnapshot() && !confirmReads(current.tx.preconditions())) {
						Batch.checkAttempts(attempt, null, null);
						continue;
					}
					outcome = result;
					pings = current.pings;
					break;
				}
				if (!holding) {
					this.commits.lock();
					holding = true;
				}
				try {
					changed = this.commits.commit(current.tx.writes(), current.tx.preconditions());
				}
				catch (PreconditionFailedException ex) {
					Batch.checkAttempts(attempt, ex.getPath(), ex);
					continue;
				}
				outcome = result;
				pings = current.pings;
				break;
			}
			finally {
				if (holding) {
					this.commits.unlock();
				}
			}
		}
		if (!pings.isEmpty()) {
			// pings made inside the batch are heard once, after it committed (never for a run that
			// was repeated or a batch that threw)
			this.commits.lock();
			try {
				for (Change ping : pings) {
					Object current = this.backend.read(ping.path());
					this.commits.queuePing(ping.path(), current, ping.payload());
				}
			}
			finally {
				this.commits.unlock();
			}
		}
		if (changed || !pings.isEmpty()) {
			this.commits.deliver();
		}
		return outcome;
	}

	/**
	 * Tells whether a batch's reads, made one by one on a backend without snapshots, did not all
	 * see one state of the tree.
	 */
	private boolean sawTwoStates(TxView tx) {
		if (tx.conflicted()) {
			return true;
		}
		return !tx.isSnapshot() && !confirmReads(tx.preconditions());
	}

	/**
	 * Checks, atomically in the backend, that several values a read-only batch read one by one are
	 * still what it saw, so together they were one state of the tree. Writes nothing.
	 */
	private boolean confirmReads(List<Precondition> reads) {
		if (reads.size() < 2) {
			return true;
		}
		try {
			this.backend.commit(new CommitRequest(List.of(), reads, this.instanceId));
			return true;
		}
		catch (PreconditionFailedException ex) {
			return false;
		}
	}

}
