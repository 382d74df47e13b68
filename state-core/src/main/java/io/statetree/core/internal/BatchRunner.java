package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.statetree.core.StateException;
import io.statetree.core.StatePath;
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

	/** Asked before a write on a thread without a batch, so it can open one ({@link HeldBatches}), or null. */
	private volatile @Nullable Runnable joiner;

	/** Set on a thread while its writes commit on their own ({@link #alone}): the joiner is not asked. */
	private final ThreadLocal<@Nullable Boolean> alone = new ThreadLocal<>();

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
	 * The batch a write on this thread joins: the one open, else the one the joiner opens (a
	 * Spring transaction's, DESIGN §14), else null.
	 */
	@Nullable Batch forWrite() {
		Batch open = current();
		if (open != null) {
			return open;
		}
		Runnable joiner = this.joiner;
		if (joiner == null || this.alone.get() != null) {
			return null;
		}
		joiner.run();
		return current();
	}

	/**
	 * Makes a call whose writes commit at once, each on its own, and whose reads read the committed
	 * state: the batch open on this thread is closed for the call and the joiner is not asked
	 * (so no Spring transaction's batch opens for it).
	 * @return what the call returned
	 */
	<R> R alone(Supplier<R> call) {
		Batch outer = suspend();
		boolean nested = this.alone.get() != null;
		this.alone.set(Boolean.TRUE);
		try {
			return call.get();
		}
		finally {
			if (!nested) {
				this.alone.remove();
			}
			resume(outer);
		}
	}

	void joiner(@Nullable Runnable joiner) {
		this.joiner = joiner;
	}

	/**
	 * Opens a batch on this thread that stays open across calls until it is committed or
	 * discarded ({@link HeldBatch}).
	 * @throws IllegalStateException when a batch is open on this thread
	 */
	Batch openHeld() {
		if (current() != null) {
			throw new IllegalStateException("A batch is already open on this thread");
		}
		Batch held = new Batch(new TxView(this.backend, true));
		held.operations = new ArrayList<>();
		resume(held);
		return held;
	}

	/**
	 * Makes one call of a write on a batch, recording it when the batch is held and the call is not
	 * part of a recorded one, so the held batch's commit can replay it ({@link #commitHeld}).
	 * @param batch the batch the call joins
	 * @param replay makes the same call again on the thread's open batch
	 * @param call makes the call
	 * @return what the call returned
	 */
	<R> R joined(Batch batch, Runnable replay, Supplier<R> call) {
		List<Runnable> operations = batch.operations;
		if (operations == null || batch.recording > 0) {
			return call.get();
		}
		int writes = batch.tx.writes().size();
		int pings = batch.pings.size();
		R result;
		batch.recording++;
		try {
			result = call.get();
		}
		catch (RuntimeException | Error ex) {
			if (batch.tx.writes().size() != writes || batch.pings.size() != pings) {
				// part of the call stayed in the batch: replaying the calls would not redo it
				batch.unreplayable = "a call that threw left part of its writes in it";
			}
			throw ex;
		}
		finally {
			batch.recording--;
		}
		operations.add(replay);
		return result;
	}

	/** Whether the given batch is the one open on this thread. */
	boolean isCurrent(Batch held) {
		return current() == held;
	}

	/**
	 * Commits a held batch: as it is when the values it read are unchanged, else by replaying its
	 * recorded calls on fresh state as a batch function ({@link #run}: again and again, under the
	 * commit lock after the first time), so the result is that of its calls made after the
	 * concurrent commits.
	 * @throws StateException when its reads changed and it cannot be replayed (a call that threw
	 * left part of its writes in it), or a replayed call threw, or the replay gave up after
	 * {@link Batch#MAX_ATTEMPTS}; nothing was written
	 */
	void commitHeld(Batch held) {
		if (!held.tx.conflicted()) {
			if (held.tx.writes().isEmpty() && held.pings.isEmpty()) {
				return;
			}
			HeldCommit work = new HeldCommit(held);
			this.commits.run(work, null, null, null);
			PreconditionFailedException conflict = work.conflict;
			if (conflict == null) {
				return;
			}
			replay(held, conflict.getPath(), conflict);
			return;
		}
		replay(held, null, null);
	}

	/** Replays a held batch's calls as a batch function on fresh state, or says why it cannot. */
	private void replay(Batch held, @Nullable StatePath changed, @Nullable Throwable cause) {
		List<Runnable> operations = held.operations;
		String unreplayable = held.unreplayable;
		if (operations == null || unreplayable != null) {
			String what = (changed != null) ? "a value it read (" + changed + ")" : "the values it read";
			throw new StateException("transaction's batch not committed: " + what + " changed concurrently, and "
					+ ((unreplayable != null) ? unreplayable : "it recorded no calls") + "; nothing was written", cause);
		}
		List<Runnable> calls = List.copyOf(operations);
		runAlone(() -> {
			for (Runnable call : calls) {
				call.run();
			}
			return null;
		});
	}

	/** The commit of a held batch: its writes with their preconditions, then its pings. */
	private final class HeldCommit implements CommitTemplate.Work<@Nullable Void, @Nullable Void, @Nullable Void> {

		private final Batch held;

		@Nullable PreconditionFailedException conflict;

		HeldCommit(Batch held) {
			this.held = held;
		}

		@Override
		public boolean underLock(CommitTemplate commits, @Nullable Void a, @Nullable Void b, @Nullable Void c) {
			commits.actor(this.held.actor);
			boolean changed = false;
			if (!this.held.tx.writes().isEmpty()) {
				try {
					changed = commits.commit(this.held.tx.writes(), this.held.tx.preconditions());
				}
				catch (PreconditionFailedException ex) {
					this.conflict = ex;
					return false;
				}
			}
			for (Change ping : this.held.pings) {
				commits.queuePing(ping.path(), BatchRunner.this.backend.read(ping.path()), ping.payload());
			}
			return changed || !this.held.pings.isEmpty();
		}

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
		Batch outer = forWrite();
		if (outer != null) {
			return joined(outer, writes::get, writes);
		}
		return runAlone(writes);
	}

	/** Runs a batch function as its own batch (none is open on this thread). */
	private <R> R runAlone(Supplier<R> writes) {
		Attempt<R> attempt = new Attempt<>(writes);
		for (int number = 1;; number++) {
			attempt.number = number;
			// The first run is optimistic: it reads without the commit lock, which only its commit
			// takes. After a conflict the function runs under the lock, as update's does, so this
			// controller's other writers cannot make it fail again; only other instances (or
			// writes behind the controller's back) still can.
			attempt.underLock = number > 1;
			if (!attempt.underLock) {
				if (!attempt.runFunction()) {
					continue;
				}
				if (attempt.writesNothing()) {
					return attempt.outcome;
				}
			}
			this.commits.run(attempt, null, null, null);
			if (attempt.done) {
				return attempt.outcome;
			}
		}
	}

	/**
	 * One batch, attempt after attempt: runs the function on a fresh view, then (under the
	 * template's lock) commits its writes and queues its pings, which are heard once, after it
	 * committed (never for a run that was repeated or a batch that threw).
	 */
	private final class Attempt<R> implements CommitTemplate.Work<@Nullable Void, @Nullable Void, @Nullable Void> {

		private final Supplier<R> writes;

		int number;

		/** Whether the function runs with the lock held (every attempt after the first). */
		boolean underLock;

		/** Whether the batch committed (or had nothing to commit): no attempt follows. */
		boolean done;

		@Nullable R outcome;

		private @Nullable Batch current;

		Attempt(Supplier<R> writes) {
			this.writes = writes;
		}

		/**
		 * Runs the function once on a fresh view.
		 * @return whether its run can be committed; false when it must run again
		 */
		boolean runFunction() {
			Batch current = new Batch(new TxView(BatchRunner.this.backend, true));
			this.current = current;
			R result;
			BatchRunner.this.batch.set(current);
			BatchRunner.this.openBatches.incrementAndGet();
			try {
				result = this.writes.get();
			}
			catch (RuntimeException | Error ex) {
				if (ex instanceof VirtualMachineError || !sawTwoStates(current.tx)) {
					throw ex;
				}
				// the function concluded from reads of two states of the tree (a value one read
				// and another read after a commit changed it): run it again on one state
				Batch.checkAttempts(this.number, null, ex);
				return false;
			}
			finally {
				BatchRunner.this.batch.remove();
				BatchRunner.this.openBatches.decrementAndGet();
			}
			if (current.tx.conflicted()) {
				Batch.checkAttempts(this.number, null, null);
				return false;
			}
			if (current.tx.writes().isEmpty() && !current.tx.isSnapshot()
					&& !confirmReads(current.tx.preconditions())) {
				Batch.checkAttempts(this.number, null, null);
				return false;
			}
			this.outcome = result;
			return true;
		}

		/** Whether the run wrote nothing and pinged nothing, so there is nothing to commit. */
		boolean writesNothing() {
			Batch current = Objects.requireNonNull(this.current);
			return current.tx.writes().isEmpty() && current.pings.isEmpty();
		}

		@Override
		public boolean underLock(CommitTemplate commits, @Nullable Void a, @Nullable Void b, @Nullable Void c) {
			if (this.underLock && !runFunction()) {
				return false;
			}
			Batch current = Objects.requireNonNull(this.current);
			commits.actor(current.actor);
			boolean changed = false;
			if (!current.tx.writes().isEmpty()) {
				try {
					changed = commits.commit(current.tx.writes(), current.tx.preconditions());
				}
				catch (PreconditionFailedException ex) {
					Batch.checkAttempts(this.number, ex.getPath(), ex);
					return false;
				}
			}
			for (Change ping : current.pings) {
				commits.queuePing(ping.path(), BatchRunner.this.backend.read(ping.path()), ping.payload());
			}
			this.done = true;
			return changed || !current.pings.isEmpty();
		}

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
