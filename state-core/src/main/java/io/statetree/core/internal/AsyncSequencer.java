package io.statetree.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs a controller's asynchronous writes one after the other, in the order they were submitted
 * (DESIGN §15): a step starts when the one before it has completed, so at most one asynchronous
 * commit of the controller is in flight and commits (and their deliveries) keep revision order.
 * No thread waits for a step: the next one starts on the thread that completed the last (a loop,
 * not a recursion, when steps complete at once). Thread-safe.
 */
final class AsyncSequencer {

	/** One queued step with the future its caller holds. */
	private record Step<T>(Supplier<CompletableFuture<T>> start, CompletableFuture<T> result) {

		/**
		 * Starts the step. The returned future completes when the step has finished, with what
		 * completes the caller's future: the sequencer runs it only after the next step started,
		 * so a caller's callback that waits for a later call does not wait for itself.
		 */
		CompletableFuture<Runnable> run() {
			CompletableFuture<T> running;
			try {
				running = this.start.get();
			}
			catch (RuntimeException | Error ex) {
				running = CompletableFuture.failedFuture(ex);
			}
			return running.handle((value, failure) -> () -> {
				if (failure != null) {
					this.result.completeExceptionally(AsyncCalls.wrap(failure));
				}
				else {
					this.result.complete(value);
				}
			});
		}

	}

	private final ArrayDeque<Step<?>> queue = new ArrayDeque<>();

	/** Whether a step is running (guarded by this). */
	private boolean busy;

	/**
	 * Queues a step.
	 * @param <T> the result type
	 * @param start starts the step and returns its future; runs on the submitting thread when
	 * nothing is before it, else on the thread that completed the step before
	 * @return the step's future: its value, or a {@link java.util.concurrent.CompletionException}
	 * around its failure
	 */
	<T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> start) {
		Step<T> step = new Step<>(start, new CompletableFuture<>());
		synchronized (this) {
			this.queue.add(step);
			if (this.busy) {
				return step.result();
			}
			this.busy = true;
		}
		drive();
		return step.result();
	}

	/** Runs queued steps until one is still running (it calls this again when done) or none is left. */
	private void drive() {
		// callers' futures are completed once the queue moved on (a pending step, or none left)
		List<Runnable> finished = new ArrayList<>(1);
		try {
			for (;;) {
				Step<?> next;
				synchronized (this) {
					next = this.queue.poll();
					if (next == null) {
						this.busy = false;
						return;
					}
				}
				CompletableFuture<Runnable> done = next.run();
				if (!done.isDone()) {
					done.whenComplete((finish, ignored) -> {
						drive();
						finish.run();
					});
					return;
				}
				finished.add(done.join());
			}
		}
		finally {
			finished.forEach(Runnable::run);
		}
	}

	synchronized int queued() {
		return this.queue.size();
	}

}
