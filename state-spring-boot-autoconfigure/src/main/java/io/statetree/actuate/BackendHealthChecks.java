package io.statetree.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * Runs backends' {@link StateBackend#check() checks} on threads of its own and waits for each at
 * most the health timeout, so a backend that hangs (Redis unreachable, its commands waiting for
 * the client's command timeout) makes its health down within the bound instead of holding the
 * health request. A check still running when the next request comes is waited for again rather
 * than started a second time: at most one thread per backend is busy with a hung check.
 * Thread-safe.
 */
final class BackendHealthChecks implements AutoCloseable {

	private final Duration timeout;

	private final ExecutorService executor;

	private final Map<StateBackend, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

	/**
	 * Creates the checks.
	 * @param timeout how long a check is waited for, positive
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	BackendHealthChecks(Duration timeout) {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("statetree.health.timeout must be positive, got " + timeout);
		}
		this.timeout = timeout;
		AtomicInteger threads = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "statetree-health-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/** How long a check is waited for. */
	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Checks a backend.
	 * @param backend the backend
	 * @return {@code null} when it is up, else why it is down (its check's message, or that it did
	 * not answer in time)
	 */
	@Nullable String check(StateBackend backend) {
		CompletableFuture<Void> check = this.running.compute(backend,
				(key, previous) -> (previous != null && !previous.isDone()) ? previous
						: CompletableFuture.runAsync(backend::check, this.executor));
		try {
			check.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
			return null;
		}
		catch (TimeoutException ex) {
			return "no answer within " + this.timeout.toMillis() + " ms (statetree.health.timeout)";
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getName();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted while waiting for the check";
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
