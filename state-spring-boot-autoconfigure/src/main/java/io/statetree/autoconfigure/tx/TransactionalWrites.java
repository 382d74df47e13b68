package io.statetree.autoconfigure.tx;

import io.statetree.core.StateController;
import io.statetree.core.internal.HeldBatch;
import io.statetree.core.internal.HeldBatches;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes a controller's writes join Spring transactions (DESIGN §14): before a write on a thread
 * with an active transaction synchronisation and no batch open, it opens the transaction's batch
 * ({@link TransactionBatch}) and registers it with the transaction. In a read-only transaction
 * that batch refuses writes: a write throws {@link io.statetree.core.StateWriteException} naming
 * the path and the reason, and writes nothing. A controller that is not
 * StateTree's own implementation is left alone (logged once). Thread-safe.
 */
final class TransactionalWrites implements SmartInitializingSingleton, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(TransactionalWrites.class);

	/** Why a write inside a read-only transaction is refused. */
	static final String READ_ONLY = "the Spring transaction on this thread is read-only "
			+ "(@Transactional(readOnly = true), TransactionTemplate.setReadOnly(true))";

	private final StateController controller;

	private final FailedStateCommits failures;

	private @Nullable HeldBatches seam;

	TransactionalWrites(StateController controller, FailedStateCommits failures) {
		this.controller = controller;
		this.failures = failures;
	}

	@Override
	public void afterSingletonsInstantiated() {
		HeldBatches seam = HeldBatches.of(this.controller);
		if (seam == null) {
			logger.info("StateTree writes do not join Spring transactions: the StateController bean ({}) is not "
					+ "StateTree's own implementation", this.controller.getClass().getName());
			return;
		}
		seam.joiner(() -> join(seam));
		this.seam = seam;
	}

	/** Opens the transaction's batch on this thread, unless no transaction runs or its batch is done. */
	private void join(HeldBatches seam) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.hasResource(this)) {
			// no transaction, or its batch already committed (a write from a later after-commit
			// callback): the write commits at once
			return;
		}
		HeldBatch batch = seam.open();
		if (TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			// Spring's read-only flag: the database refuses writes (or may), so state does too
			batch.refuseWrites(READ_ONLY);
		}
		TransactionBatch synchronization = new TransactionBatch(this, batch);
		try {
			TransactionSynchronizationManager.bindResource(this, synchronization);
			TransactionSynchronizationManager.registerSynchronization(synchronization);
		}
		catch (RuntimeException ex) {
			TransactionSynchronizationManager.unbindResourceIfPossible(this);
			batch.discard();
			throw ex;
		}
	}

	/** Logs (paths only, never values) and counts a batch that failed after its transaction committed. */
	void commitFailed(HeldBatch batch, RuntimeException failure) {
		this.failures.failed();
		logger.error("A transaction committed but StateTree's batch for it did not; none of its writes were "
				+ "applied. Paths written: {}", batch.paths(), failure);
	}

	@Override
	public void destroy() {
		HeldBatches seam = this.seam;
		if (seam != null) {
			seam.joiner(null);
		}
	}

}
