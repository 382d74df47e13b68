package io.statetree.core.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the executor a {@link Dispatcher} delivers on in asynchronous mode when the builder gives
 * none.
 */
final class DispatchExecutors {

	private DispatchExecutors() {
	}

	/** The executor of asynchronous dispatch when none is given: virtual threads when available. */
	static ExecutorService newDefault() {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			// one listener's queue runs on one thread at a time; a cached pool lets a slow
			// listener hold its thread without holding up the others
			AtomicLong threads = new AtomicLong();
			return Executors.newCachedThreadPool((runnable) -> {
				Thread thread = new Thread(runnable, "statetree-dispatch-" + threads.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
		}
	}

}
