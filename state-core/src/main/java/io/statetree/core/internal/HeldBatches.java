package io.statetree.core.internal;

import java.util.Objects;
import java.util.function.Supplier;

import io.statetree.core.StateController;
import org.jspecify.annotations.Nullable;

/**
 * The seam through which a transaction manager outside the core (Spring's, DESIGN §14) makes a
 * controller's writes join one batch per transaction: a joiner, asked on the writing thread before
 * a write when no batch is open there, may {@link #open() open} a {@link HeldBatch} that stays
 * open across calls on that thread until it is committed or discarded. Not public API.
 * Thread-safe; a held batch belongs to the thread that opened it.
 */
public final class HeldBatches {

	private final BatchRunner runner;

	private HeldBatches(BatchRunner runner) {
		this.runner = runner;
	}

	/**
	 * The seam of a controller.
	 * @param controller the controller
	 * @return its seam, or null when it is not one this module built (a user's own implementation)
	 */
	public static @Nullable HeldBatches of(StateController controller) {
		Objects.requireNonNull(controller, "controller");
		return (controller instanceof DefaultStateController standard) ? new HeldBatches(standard.batches()) : null;
	}

	/**
	 * Sets what runs on the writing thread before a write (set, delete, update, getOrWrite,
	 * increment, ping, restore, batch) when no batch is open on it. It may call {@link #open()};
	 * the write then joins that batch, else it commits at once. It must not write state.
	 * @param joiner the joiner, or null for none
	 */
	public void joiner(@Nullable Runnable joiner) {
		this.runner.joiner(joiner);
	}

	/**
	 * Makes a call outside every batch: its writes commit at once, each on its own, and its reads
	 * read the committed state, whatever batch is open on this thread or the joiner would open (an
	 * operator's write through the actuator, which never becomes part of the application's
	 * transaction). The batch open on this thread is back when the call returns or throws.
	 * @param call the call
	 * @param <R> what it returns
	 * @return what the call returned
	 */
	public <R> R outside(Supplier<R> call) {
		Objects.requireNonNull(call, "call");
		return this.runner.alone(call);
	}

	/**
	 * Opens a batch on the calling thread that later writes on it join and later reads on it see,
	 * until it is committed, discarded or suspended.
	 * @return the batch
	 * @throws IllegalStateException when a batch is already open on this thread
	 */
	public HeldBatch open() {
		return new HeldBatch(this.runner, this.runner.openHeld());
	}

}
