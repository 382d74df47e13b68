package io.statetree.autoconfigure.tx;

import java.util.IdentityHashMap;
import java.util.Map;

import io.statetree.core.internal.HeldBatch;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The batch of one Spring transaction: held open on the transaction's thread while the
 * transaction runs, closed while it is suspended ({@code REQUIRES_NEW}), rolled back with a savepoint
 * ({@code NESTED}), committed in
 * {@link #afterCommit()} and discarded otherwise. Bound as a transaction resource under the
 * {@link TransactionalWrites} key while the transaction runs and completes, so that writes made by
 * later synchronisations after this batch committed commit at once instead of opening another one.
 * Used on the transaction's thread only.
 */
final class TransactionBatch implements TransactionSynchronization {

	private final TransactionalWrites owner;

	private final HeldBatch batch;

	/** The batch as it was opened: where a savepoint made before it goes back to. */
	private final Object start;

	/** The batch's marks by the transaction's savepoints ({@code PROPAGATION_NESTED}). */
	private final Map<Object, Object> savepoints = new IdentityHashMap<>();

	TransactionBatch(TransactionalWrites owner, HeldBatch batch) {
		this.owner = owner;
		this.batch = batch;
		this.start = batch.mark();
	}

	@Override
	public void savepoint(Object savepoint) {
		this.savepoints.put(savepoint, this.batch.mark());
	}

	/**
	 * Forgets the writes made since the savepoint; a savepoint made before the batch opened takes
	 * all of them.
	 */
	@Override
	public void savepointRollback(Object savepoint) {
		Object mark = this.savepoints.get(savepoint);
		this.batch.rollbackTo((mark != null) ? mark : this.start);
	}

	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.owner);
		this.batch.suspend();
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(this.owner, this);
		this.batch.resume();
	}

	/**
	 * Commits the batch; listeners hear it after that. A failure is logged and counted by the
	 * owner and thrown on, which Spring propagates to the caller of the transaction's commit
	 * after the transaction committed (as it does for its own resources' after-commit work).
	 */
	@Override
	public void afterCommit() {
		try {
			this.batch.commit();
		}
		catch (RuntimeException ex) {
			this.owner.commitFailed(this.batch, ex);
			throw ex;
		}
	}

	@Override
	public void afterCompletion(int status) {
		try {
			// after a rollback, or a commit whose after-commit work never ran: nothing is written
			this.batch.discard();
		}
		finally {
			TransactionSynchronizationManager.unbindResourceIfPossible(this.owner);
		}
	}

}
