package io.statetree.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.jspecify.annotations.Nullable;

/**
 * A non-blocking backend for the controller side of DESIGN §15, with no Redis: an in-memory tree
 * whose {@code readAsync} and {@code commitAsync} return at once and are answered later by one
 * "I/O" thread, which can be held ({@link #hold()}) to keep any number of calls in flight.
 */
final class NonBlockingFakeBackend implements StateBackend {

	private final InMemoryBackend target = new InMemoryBackend();

	private final ExecutorService io = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "fake-io");
		thread.setDaemon(true);
		return thread;
	});

	private final Object gate = new Object();

	private boolean held;

	final AtomicInteger asyncCommits = new AtomicInteger();

	final AtomicInteger syncCommits = new AtomicInteger();

	/** Keeps the I/O thread from answering until {@link #release()}. */
	void hold() {
		synchronized (this.gate) {
			this.held = true;
		}
	}

	void release() {
		synchronized (this.gate) {
			this.held = false;
			this.gate.notifyAll();
		}
	}

	private void awaitGate() {
		synchronized (this.gate) {
			while (this.held) {
				try {
					this.gate.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	@Override
	public CompletableFuture<@Nullable Object> readAsync(StatePath path) {
		return CompletableFuture.supplyAsync(() -> {
			awaitGate();
			return this.target.read(path);
		}, this.io);
	}

	@Override
	public CompletableFuture<CommitResult> commitAsync(CommitRequest request) {
		this.asyncCommits.incrementAndGet();
		return CompletableFuture.supplyAsync(() -> {
			awaitGate();
			return this.target.commit(request);
		}, this.io);
	}

	@Override
	public @Nullable Object read(StatePath path) {
		return this.target.read(path);
	}

	@Override
	public List<String> childNames(StatePath path) {
		return this.target.childNames(path);
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		this.syncCommits.incrementAndGet();
		awaitGate();
		return this.target.commit(request);
	}

	@Override
	public long revision() {
		return this.target.revision();
	}

	@Override
	public Map<String, Object> describe() {
		return Map.of("type", "non-blocking fake");
	}

	@Override
	public void close() {
		release();
		this.io.shutdownNow();
	}

}
