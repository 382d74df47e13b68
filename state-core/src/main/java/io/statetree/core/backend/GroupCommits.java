package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The group commit of a {@link FileSystemBackend} with fsync on, which {@link FileCommits} hands
 * every commit to: a committing thread queues its request and takes the write lock; whoever holds
 * it leads: it commits every queued request it can together, as one group: requests taken in
 * arrival order while none of them touches (writes, or checks a precondition on) a path equal to,
 * above or below one an earlier member touches ({@link GroupPaths}), none changes lifetimes and
 * none is an expiry commit. Each member still reads, checks and reports its own values
 * ({@link FileCommits#prepare}) and gets its own revision; {@link FileCommits#commitGroup} makes
 * the group durable with one history write and one journal frame, so concurrent writers share two
 * fsyncs. A member that fails (a precondition, a refused value) fails alone; a request that must
 * be made alone is made after the group before it.
 * <p>
 * Thread-safe: the queue is concurrent; a group is taken and made under the backend's write
 * lock. A waiting thread does not queue for the lock: it parks until the leader completes its
 * request, or until a leader lets go of the lock and wakes the next waiting request to lead, so
 * threads whose commits are done return at once instead of each taking the lock in turn.
 */
final class GroupCommits {

	/** The most commits made as one group. */
	static final int MAX_GROUP = 64;

	private final FileCommits commits;

	private final FileSystemBackend backend;

	private final ReentrantReadWriteLock lock;

	private final ConcurrentLinkedQueue<QueuedCommit> queue = new ConcurrentLinkedQueue<>();

	GroupCommits(FileCommits commits, FileSystemBackend backend, ReentrantReadWriteLock lock) {
		this.commits = commits;
		this.backend = backend;
		this.lock = lock;
	}

	/**
	 * Commits a request in a group with concurrent ones.
	 * @param request the request
	 * @return its result, once it is durable
	 */
	CommitResult commit(CommitRequest request) {
		QueuedCommit mine = new QueuedCommit(request);
		this.queue.add(mine);
		while (!mine.done) {
			if (this.lock.writeLock().tryLock()) {
				try {
					while (!mine.done) {
						commitQueuedCommit();
					}
				}
				finally {
					this.lock.writeLock().unlock();
				}
				// the next waiting request leads the next group at once
				QueuedCommit next = this.queue.peek();
				if (next != null) {
					next.wake();
				}
			}
			else {
				// a leader completes it (and wakes it), or lets go of the lock (and wakes the next)
				mine.await();
			}
		}
		return mine.outcome();
	}

	/** Commits the next group of queued requests; completes every request it takes. */
	private void commitQueuedCommit() {
		List<QueuedCommit> taken = new ArrayList<>();
		try {
			commitQueuedCommit(taken);
		}
		catch (RuntimeException | Error ex) {
			for (QueuedCommit queued : taken) {
				if (!queued.done) {
					queued.fail((ex instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException("The commit failed: " + ex, ex));
				}
			}
			if (ex instanceof Error error) {
				throw error;
			}
		}
	}

	private void commitQueuedCommit(List<QueuedCommit> taken) {
		List<Member> members = new ArrayList<>();
		List<QueuedCommit> unchanged = new ArrayList<>();
		GroupPaths touched = new GroupPaths();
		FileCommitPlan plan = this.commits.newPlan();
		while (members.size() < MAX_GROUP) {
			QueuedCommit next = this.queue.peek();
			if (next == null) {
				break;
			}
			boolean first = members.isEmpty() && unchanged.isEmpty();
			if (!first && touched.overlaps(next.request)) {
				break;
			}
			Member member;
			try {
				this.backend.checkOpen();
				this.commits.ensureCaughtUp();
				member = this.commits.prepare(next.request, plan);
			}
			catch (RuntimeException ex) {
				taken.add(this.queue.poll());
				next.fail(ex);
				continue;
			}
			if (member == null) {
				// lifetimes change or something is due: made alone, after the group before it
				if (!first) {
					break;
				}
				taken.add(this.queue.poll());
				try {
					next.complete(this.commits.commitByItself(next.request));
				}
				catch (RuntimeException ex) {
					next.fail(ex);
				}
				return;
			}
			taken.add(this.queue.poll());
			touched.add(next.request);
			if (member.unchanged) {
				try {
					// it changes nothing, yet is refused as it would be alone (a write below a leaf taken back)
					this.commits.planAlone(next.request.writes());
				}
				catch (RuntimeException ex) {
					next.fail(ex);
					continue;
				}
				next.changes = member.changes;
				unchanged.add(next);
				continue;
			}
			try {
				for (Write write : next.request.writes()) {
					plan.apply(write);
				}
			}
			catch (RuntimeException ex) {
				next.fail(ex);
				plan = this.commits.newPlan();
				for (Member accepted : members) {
					for (Write write : accepted.queued.request.writes()) {
						plan.apply(write);
					}
				}
				continue;
			}
			member.queued = next;
			members.add(member);
		}
		long before = this.commits.revision();
		for (QueuedCommit queued : unchanged) {
			queued.complete(new CommitResult(before, queued.changes));
		}
		if (!members.isEmpty()) {
			this.commits.commitGroup(members, plan);
		}
	}

	/** A member of a group being made. */
	static final class Member {

		QueuedCommit queued;

		List<Change> changes;

		boolean unchanged;

		long revision;

	}

}
