package io.statetree.core.backend;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * A request queued for a {@link GroupCommits} group commit and, once done, its outcome: written by
 * the leader under the lock before {@link #done}, read by the requesting thread after it saw
 * {@link #done}.
 */
final class QueuedCommit {

	private static final long PARK_NANOS = 1_000_000;

	final CommitRequest request;

	final Thread thread = Thread.currentThread();

	List<Change> changes = List.of();

	volatile boolean done;

	@Nullable CommitResult result;

	@Nullable RuntimeException error;

	QueuedCommit(CommitRequest request) {
		this.request = request;
	}

	void complete(CommitResult result) {
		this.result = result;
		this.done = true;
		LockSupport.unpark(this.thread);
	}

	void fail(RuntimeException error) {
		this.error = error;
		this.done = true;
		LockSupport.unpark(this.thread);
	}

	void wake() {
		LockSupport.unpark(this.thread);
	}

	/** Waits until woken, at most a millisecond (the lock may be held by a reader). */
	void await() {
		if (!this.done) {
			LockSupport.parkNanos(this, PARK_NANOS);
		}
	}

	CommitResult outcome() {
		if (this.error != null) {
			throw this.error;
		}
		return this.result;
	}

}
