package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;

/**
 * The commits a write-behind {@link CachingBackend} has not yet written to its delegate (DESIGN
 * §7, the cache policy): kept in order, applied to every value read from the delegate meanwhile,
 * and written as one commit by {@link #flushTo} (one by one when a path they changed holds a value
 * equal to the one before them, where the merged commit would change nothing). A flush that fails keeps them pending. Each
 * commit keeps the time it was made, so a time to live it carries reaches the delegate as the
 * time it has left (it counts from the commit, not the flush). Guarded by the cache's lock,
 * except {@link #hasPending()}, which any thread may ask.
 */
final class WriteBehind {

	private final List<CommitRequest> pending = new ArrayList<>();

	/**
	 * For every path a pending commit changed, its value before the first of them: where the copy
	 * now holds an equal one, the merged commit would change nothing there although the commits
	 * did, one by one (a value taken away and written again in another form, {@code 2.0} over
	 * {@code 2}; a branch made below and emptied), so the flush writes them one by one.
	 */
	private final Map<StatePath, @Nullable Object> firstBefore = new HashMap<>();

	/** Reads the cache's copy with the pending commits (under the cache's lock). */
	private final Function<StatePath, @Nullable Object> copy;

	/**
	 * @param copy reads the cache's copy, under the cache's lock
	 */
	WriteBehind(Function<StatePath, @Nullable Object> copy) {
		this.copy = copy;
	}

	/** When each pending commit was made, on the cache's monotonic clock (nanoseconds). */
	private final List<Long> madeAt = new ArrayList<>();

	private volatile boolean hasPending;

	/** Whether commits are pending; lock-free, for the read path's flush-on-read check. */
	boolean hasPending() {
		return this.hasPending;
	}

	/** Whether no commit is pending; under the cache's lock. */
	boolean isEmpty() {
		return this.pending.isEmpty();
	}

	/**
	 * Adds a commit the cache has applied to its copy.
	 * @param request the commit
	 * @param now when it was made, in nanoseconds
	 */
	void add(CommitRequest request, long now, List<Change> changes) {
		for (Change change : changes) {
			if (!StateValues.equal(change.oldValue(), change.newValue()) && !this.firstBefore.containsKey(change.path())) {
				// (not putIfAbsent: an absent path's value before is null, which that would replace)
				this.firstBefore.put(change.path(), change.oldValue());
			}
		}
		this.pending.add(request);
		this.madeAt.add(now);
		this.hasPending = true;
	}

	/**
	 * Applies the pending commits to a value read from the delegate.
	 * @param path where it was read
	 * @param value what the delegate holds there
	 * @param delegate the delegate it was read from, asked where a leaf lies above the path
	 * @return the value once the pending commits are written
	 */
	@Nullable Object applyTo(StatePath path, @Nullable Object value, StateBackend delegate) {
		if (this.pending.isEmpty()) {
			return value;
		}
		List<Write> writes = new ArrayList<>();
		boolean deletes = false;
		for (CommitRequest request : this.pending) {
			for (Write write : request.writes()) {
				writes.add(write);
				deletes |= write.value() == null;
			}
		}
		// a pending delete below a leaf the delegate holds changes nothing there
		int leafDepth = deletes ? TreeEdits.leafDepth(delegate, path, value) : path.depth();
		return TreeEdits.valueAfter(path, value, leafDepth, writes, 0);
	}

	/**
	 * Writes the pending commits to the delegate as one commit.
	 * @param delegate the backend behind the cache
	 * @throws StateStorageException naming the pending paths if the delegate fails; the commits
	 * stay pending
	 */
	void flushTo(StateBackend delegate, long now) {
		if (this.pending.isEmpty()) {
			return;
		}
		if (this.pending.size() == 1 || !changesBack()) {
			List<Write> writes = new ArrayList<>();
			for (int i = 0; i < this.pending.size(); i++) {
				addWithTimeLeft(writes, i, now);
			}
			try {
				delegate.commit(new CommitRequest(writes, List.of(), this.pending.get(0).origin()));
			}
			catch (RuntimeException ex) {
				throw failed(delegate, ex);
			}
		}
		else {
			// The commits changed a path back to a value equal to the one before them: merged, the
			// delegate would change nothing there (keeping 2 for 2.0, or leaving out the empty branch
			// a write below made), where the copy shows what each commit did. One by one
			while (!this.pending.isEmpty()) {
				List<Write> own = new ArrayList<>();
				addWithTimeLeft(own, 0, now);
				try {
					delegate.commit(new CommitRequest(own, List.of(), this.pending.get(0).origin()));
				}
				catch (RuntimeException ex) {
					throw failed(delegate, ex);
				}
				this.pending.remove(0);
				this.madeAt.remove(0);
			}
		}
		this.pending.clear();
		this.madeAt.clear();
		this.firstBefore.clear();
		this.hasPending = false;
	}

	/**
	 * Whether merged, the pending commits would leave the delegate other than the copy: a path they
	 * changed holds, in the copy, a value equal to its first one but written in another form
	 * ({@code 2.0} for {@code 2}, where the merged commit keeps the stored form), or is absent again
	 * below a branch that is not the root (which a write below may have made, and the merged commit
	 * would leave out).
	 */
	private boolean changesBack() {
		for (Map.Entry<StatePath, @Nullable Object> entry : this.firstBefore.entrySet()) {
			Object before = entry.getValue();
			Object now = this.copy.apply(entry.getKey());
			if (!StateValues.equal(before, now)) {
				continue;
			}
			if (before == null) {
				StatePath parent = entry.getKey().parent();
				if (parent != null && !parent.isRoot() && this.copy.apply(parent) != null) {
					return true;
				}
			}
			else if (!StateValues.toJsonString(before).equals(StateValues.toJsonString(now))) {
				return true;
			}
		}
		return false;
	}

	private StateStorageException failed(StateBackend delegate, RuntimeException ex) {
		return new StateStorageException("Cannot flush " + this.pending.size() + " pending commit(s) writing "
				+ pendingPaths() + " to " + delegate.describe() + "; they stay pending: " + ex.getMessage(), ex);
	}

	/** Adds the writes of the pending commit at {@code index}, each time to live counted from that commit. */
	private void addWithTimeLeft(List<Write> into, int index, long now) {
		long elapsed = now - this.madeAt.get(index);
		for (Write write : this.pending.get(index).writes()) {
			into.add(timeLeft(write, elapsed));
		}
	}

	/** A write whose time to live counts from its commit, {@code elapsed} nanoseconds ago. */
	private static Write timeLeft(Write write, long elapsed) {
		Lifetime lifetime = write.lifetime();
		if (lifetime == null || lifetime.ttl() == null || elapsed <= 0) {
			return write;
		}
		// at least 1 ns: one already due is due at once in the delegate too
		Duration left = lifetime.ttl().minusNanos(elapsed);
		return new Write(write.path(), write.value(), write.payload(),
				Lifetime.ttl(left.isNegative() || left.isZero() ? Duration.ofNanos(1) : left));
	}

	private Set<StatePath> pendingPaths() {
		Set<StatePath> paths = new LinkedHashSet<>();
		for (CommitRequest request : this.pending) {
			for (Write write : request.writes()) {
				paths.add(write.path());
			}
		}
		return paths;
	}

}
