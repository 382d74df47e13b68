package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The non-blocking half of the {@link CommitTemplate} (DESIGN §15): sends one commit to a
 * non-blocking backend without waiting for it, and records it when the backend answered. While
 * such a commit is in flight, the template's local writers wait for it after taking the commit
 * lock ({@link #awaitLocked}), so revisions are recorded in order. Thread-safe: the in-flight
 * state is written under the commit lock.
 */
final class AsyncCommits {

	/** The most the feed waits for a commit in flight (its call resolves within about twice the command timeout). */
	private static final long SENT_WAIT_SECONDS = 60;

	private final CommitTemplate commits;

	private final StateBackend backend;

	private final String instanceId;

	private final ReentrantLock lock;

	private final DefaultActor actors;

	private final Dispatcher dispatcher;

	private final GuardedObserver guard;

	/**
	 * Open while a commit sent by {@link #send} is in flight, else null: local writers wait for it
	 * after taking the lock (see {@link AsyncSequencer}). Written under the lock.
	 */
	private volatile @Nullable CompletableFuture<@Nullable Void> inFlight;

	/** The actor of the commit in flight; written and read under the lock. */
	private @Nullable String sentActor;

	AsyncCommits(CommitTemplate commits, StateBackend backend, String instanceId, ReentrantLock lock,
			DefaultActor actors, Dispatcher dispatcher, GuardedObserver guard) {
		this.commits = commits;
		this.backend = backend;
		this.instanceId = instanceId;
		this.lock = lock;
		this.actors = actors;
		this.dispatcher = dispatcher;
		this.guard = guard;
	}

	/** Whether a commit sent by {@link #send} is in flight (one volatile read). */
	boolean inFlight() {
		return this.inFlight != null;
	}

	/**
	 * Called with the lock held once: lets go of it until the commit {@link #send} sent is
	 * recorded, so this writer's commit comes after it in revision order.
	 */
	void awaitLocked() {
		CompletableFuture<@Nullable Void> open;
		while ((open = this.inFlight) != null && this.lock.getHoldCount() == 1) {
			this.lock.unlock();
			try {
				open.join();
			}
			finally {
				this.lock.lock();
			}
		}
	}

	/**
	 * Called with the lock held once, by the thread that brings another instance's commit (the
	 * feed) or an expiry commit: lets go of the lock until the commit in flight now, if any, is
	 * recorded. That commit may hold an earlier revision than the one heard (it reached the
	 * backend first and its answer is on its way), and would otherwise be delivered after it
	 * (issue 19). Waits once: a commit sent after this call started takes a later revision than
	 * anything the caller already read, so a stream of asynchronous commits never starves it.
	 * Bounded by the backend's own resolution of the call (its command timeout), at most
	 * {@value #SENT_WAIT_SECONDS} s, and ends when the waiting thread is interrupted.
	 */
	void awaitSentLocked() {
		CompletableFuture<@Nullable Void> open = this.inFlight;
		if (open == null || this.lock.getHoldCount() != 1) {
			return;
		}
		this.lock.unlock();
		try {
			open.get(SENT_WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			// the feed is being stopped: what it heard is recorded without waiting
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// never completed exceptionally; a commit stuck this long is left behind (order may bend)
		}
		finally {
			this.lock.lock();
		}
	}

	/**
	 * Sends a commit to a non-blocking backend without waiting for it: no derivations, no sweep,
	 * no equality, cause 0, depth 1. The caller (one {@link AsyncSequencer} step at a time) must
	 * call {@link #finish} exactly once afterwards; until then other local writers wait. Never
	 * throws for the backend: its failure is in the future.
	 * @return the backend's future
	 */
	CompletableFuture<CommitResult> send(List<Write> writes, List<Precondition> preconditions,
			@Nullable String explicitActor) {
		String resolvedActor = this.actors.resolve(explicitActor);
		this.lock.lock();
		try {
			awaitLocked();
			CommitRequest request = new CommitRequest(writes, preconditions, this.instanceId, resolvedActor, 0, false,
					1);
			CompletableFuture<CommitResult> sent;
			try {
				sent = this.backend.commitAsync(request);
			}
			catch (RuntimeException ex) {
				sent = CompletableFuture.failedFuture(ex);
			}
			this.sentActor = resolvedActor;
			this.inFlight = new CompletableFuture<>();
			return sent;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Records what {@link #send} committed (null when it failed), lets other writers go on, and
	 * delivers to synchronous listeners on this thread.
	 * @return whether anything changed
	 */
	boolean finish(@Nullable CommitResult result, List<Write> writes) {
		boolean changed = false;
		this.lock.lock();
		try {
			if (result != null) {
				changed = this.commits.recordSent(this.sentActor, result, writes);
			}
		}
		finally {
			this.sentActor = null;
			CompletableFuture<@Nullable Void> gate = this.inFlight;
			this.inFlight = null;
			this.lock.unlock();
			if (gate != null) {
				gate.complete(null);
			}
		}
		if (changed || this.dispatcher.hasUndrained() || this.dispatcher.holdsDirect()) {
			// an unchanged commit may have released commits left on the feed's thread: delivered here
			Throwable failure = this.dispatcher.drain();
			if (failure != null) {
				this.guard.rethrowIfConfigured(failure);
			}
		}
		return changed;
	}

}
