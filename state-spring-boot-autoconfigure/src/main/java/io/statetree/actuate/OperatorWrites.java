package io.statetree.actuate;

import java.util.function.Supplier;

import io.statetree.core.StateController;
import io.statetree.core.internal.HeldBatches;

/**
 * Runs the writes an operator makes through the endpoints and the console outside every batch:
 * they commit at once, each on its own, and are heard at once, even when the request's thread has
 * a Spring transaction (a filter or an aspect that wraps every request in one): an operator's write
 * answered with its revision never waits for, nor is undone by, the application's transaction.
 * A controller that is not StateTree's own runs the call as it is.
 */
final class OperatorWrites {

	private OperatorWrites() {
	}

	static <R> R outsideTransactions(StateController controller, Supplier<R> call) {
		HeldBatches seam = HeldBatches.of(controller);
		return (seam != null) ? seam.outside(call) : call.get();
	}

}
