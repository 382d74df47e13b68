package io.statetree.core.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import io.statetree.core.Versioned;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an in-memory copy of what is read from and written to a slower backend.
 * <p>
 * Only complete subtrees are cached: a read of a path is answered from memory when that path, or
 * an ancestor, was read or written as a whole; otherwise it goes to the delegate and the result
 * is cached. Knowing some children of a branch never answers a read of the branch itself, and an
 * absent path is remembered as absent, never as a value. Cache hits are lock-free. Nothing is
 * evicted: the copy grows to what the application touched.
 * <p>
 * When commits reach the delegate is set by the {@link CachePolicy}; the default writes through.
 * Reads always see every commit made through this backend, flushed or not. {@link #flush()} and
 * {@link #close()} write pending commits; a flush that fails keeps them pending and throws (the
 * interval thread logs the failure and retries at the next interval), so no commit is dropped
 * silently. Write-behind is refused in front of a shared backend, where it would break
 * cross-instance atomicity.
 * <p>
 * Other instances' changes (a shared delegate's feed) invalidate the cache before the listener
 * given to {@link #setBackendListener} hears them; a resync drops the whole cache.
 * {@link #invalidate(StatePath)} and {@link #invalidateAll()} do the same on demand.
 * <p>
 * Revisions count commits made through this backend, starting from the delegate's revision; each
 * is reserved with the delegate before it is given out ({@link StateBackend#reserveRevision}), so
 * in front of a filesystem backend they keep increasing across restarts, write-behind included.
 * <p>
 * Writing through in front of a backend that is not shared, every commit is the delegate's
 * commit and takes the delegate's revision, one for one: {@link #history()} and
 * {@link #readVersioned} are then the delegate's (in front of a filesystem backend its history
 * survives a restart). Write-behind flushes merge commits, and a shared delegate's revisions
 * count other instances' commits too: there both are {@code null} and the controller keeps the
 * history in memory.
 * <p>
 * <b>Lifetimes</b> (time to live, ephemeral entries; DESIGN §12) are honoured when the delegate
 * keeps them: reads from the copy hide what is due. Writing through, the delegate keeps them;
 * writing behind, the cache keeps its own (seeded from the delegate's when it is made), a time to
 * live counts from the commit, not the flush, and expiry commits go through to the delegate.
 */
public final class CachingBackend implements StateBackend {

	private static final Logger logger = LoggerFactory.getLogger(CachingBackend.class);

	private final StateBackend delegate;

	private final CachePolicy policy;

	private final CacheTree cache = new CacheTree();

	private final ReentrantLock lock = new ReentrantLock();

	private final WriteBehind pending = new WriteBehind(this::readLocked);

	private volatile long revision;

	private volatile boolean closed;

	private final @Nullable FlushTimer timer;

	/** Whether this backend's revisions are the delegate's, one for one (write-through). */
	private final boolean sameRevisions;

	private final LongSupplier nanoClock;

	private final @Nullable CacheLifetimes lifetimes;

	/**
	 * Creates a cache in front of a backend.
	 * @param delegate the backend that stores
	 * @param policy when commits are written to it
	 * @throws IllegalArgumentException if the policy is write-behind and the delegate is shared
	 */
	public CachingBackend(StateBackend delegate, CachePolicy policy) {
		this(delegate, policy, System::nanoTime);
	}

	/** For tests: with the monotonic clock lifetimes are measured on (nanoseconds). */
	CachingBackend(StateBackend delegate, CachePolicy policy, LongSupplier nanoClock) {
		if (policy.writeBehind() && delegate.isShared()) {
			throw new IllegalArgumentException("A write-behind cache (flushOnWrite or flushOnDelete off) cannot front "
					+ "the shared backend " + delegate.describe().get("type")
					+ ": other instances would not see pending writes and atomic updates would break");
		}
		this.delegate = delegate;
		this.policy = policy;
		this.revision = delegate.revision();
		// write-through: one delegate commit per revision, so the delegate's revisions are this
		// backend's (in front of a shared one, the namespace's, which other instances' commits carry)
		this.sameRevisions = !policy.writeBehind();
		this.nanoClock = nanoClock;
		this.lifetimes = CacheLifetimes.of(delegate, policy.writeBehind(), nanoClock, this::read);
		this.timer = (policy.flushInterval() != null) ? FlushTimer.start(policy.flushInterval(), this::flushFromTimer)
				: null;
	}

	/**
	 * Returns the backend behind the cache.
	 * @return the delegate
	 */
	public StateBackend delegate() {
		return this.delegate;
	}

	/**
	 * Returns the policy.
	 * @return the policy
	 */
	public CachePolicy policy() {
		return this.policy;
	}

	// ---- reading ----

	@Override
	public @Nullable Object read(StatePath path) {
		checkOpen();
		if (this.policy.flushOnRead() && this.pending.hasPending()) {
			flush();
		}
		long seen = this.cache.generation();
		Object value = this.cache.lookup(path);
		if (value != CacheTree.MISS) {
			Object shown = hideDue(path, value);
			// a copy read before an expiry commit forgot it must not be shown (commitThrough)
			if (this.lifetimes == null || this.cache.generation() == seen) {
				return shown;
			}
		}
		this.lock.lock();
		try {
			return hideDue(path, readLocked(path));
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Answers from the cache when it holds the subtree; otherwise asks the delegate's cheap
	 * listing, unless pending commits must be applied to what it says.
	 */
	@Override
	public List<String> childNames(StatePath path) {
		checkOpen();
		if (this.policy.flushOnRead() && this.pending.hasPending()) {
			flush();
		}
		long seen = this.cache.generation();
		Object value = this.cache.lookup(path);
		if (value != CacheTree.MISS) {
			List<String> names = FileSystemBackend.childNamesOf(hideDue(path, value));
			if (this.lifetimes == null || this.cache.generation() == seen) {
				return names;
			}
		}
		this.lock.lock();
		try {
			if (!this.pending.isEmpty()) {
				return FileSystemBackend.childNamesOf(hideDue(path, readLocked(path)));
			}
			value = this.cache.lookup(path);
			return (value != CacheTree.MISS) ? FileSystemBackend.childNamesOf(hideDue(path, value))
					: this.delegate.childNames(path);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A value of the copy as reads show it: without what is due. */
	private @Nullable Object hideDue(StatePath path, @Nullable Object value) {
		CacheLifetimes entries = this.lifetimes;
		return (entries != null) ? entries.withoutDue(path, value) : value;
	}

	/** Reads through: from the copy, or from the delegate with the pending commits applied, then cached. */
	private @Nullable Object readLocked(StatePath path) {
		Object value = this.cache.lookup(path);
		if (value != CacheTree.MISS) {
			return value;
		}
		long seen = this.cache.generation();
		value = this.pending.applyTo(path, readDelegate(path), this.delegate);
		this.cache.install(path, value, seen);
		return value;
	}

	/**
	 * What the copy takes from the delegate. Writing behind, the copy hides what is due by its own
	 * due times, so it takes values as stored: a value the delegate hides by its own (a flush
	 * passes the time left, so they agree) must not enter the copy as absent while the copy's due
	 * time still waits for its expiry commit (a later write would replace it as {@code null}).
	 */
	private @Nullable Object readDelegate(StatePath path) {
		if (this.lifetimes != null && !this.sameRevisions) {
			if (this.delegate instanceof FileSystemBackend files) {
				return files.readStored(path);
			}
			if (this.delegate instanceof InMemoryBackend memory) {
				return memory.readStored(path);
			}
		}
		return this.delegate.read(path);
	}

	// ---- committing ----

	@Override
	public CommitResult commit(CommitRequest request) {
		checkOpen();
		boolean through = goesThrough(request);
		this.lock.lock();
		long reserved = this.revision + 1;
		try {
			this.delegate.reserveRevision(reserved);
			long now = this.nanoClock.getAsLong();
			if (!through) {
				return commitBehind(request, now);
			}
			CommitResult result = commitThrough(request);
			if (this.lifetimes != null) {
				this.lifetimes.apply(request.writes(), now);
			}
			return result;
		}
		finally {
			if (this.revision < reserved) {
				// not given out (changed nothing, or refused): a clean restart goes on from the last one
				RevisionReservations.release(this.delegate, reserved);
			}
			this.lock.unlock();
		}
	}

	/** Hands back a reservation made through this cache ({@link RevisionReservations}). */
	void releaseRevision(long revision) {
		this.lock.lock();
		try {
			RevisionReservations.release(this.delegate, revision);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A commit that would go through to the delegate is checked by the delegate (after the pending
	 * writes are flushed to it, so it judges the tree the cache shows); one that would stay in the
	 * copy is checked against the copy by the model's rules. A write-behind commit the delegate
	 * refuses only when it is flushed is not found here.
	 */
	@Override
	public void checkCommit(CommitRequest request) {
		checkOpen();
		boolean through = goesThrough(request);
		if (!through) {
			StateBackend.super.checkCommit(request);
			return;
		}
		this.lock.lock();
		try {
			this.pending.flushTo(this.delegate, this.nanoClock.getAsLong());
			this.delegate.checkCommit(request);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether the policy sends a commit to the delegate now rather than keep it pending. */
	private boolean goesThrough(CommitRequest request) {
		boolean writes = false;
		boolean deletes = false;
		for (Write write : request.writes()) {
			writes |= write.value() != null;
			deletes |= write.value() == null;
		}
		return (writes && this.policy.flushOnWrite()) || (deletes && this.policy.flushOnDelete())
				|| !this.policy.writeBehind() || request.expiry();
	}

	@Override
	public void reserveRevision(long revision) {
		checkOpen();
		this.delegate.reserveRevision(revision);
	}

	private CommitResult commitThrough(CommitRequest request) {
		this.pending.flushTo(this.delegate, this.nanoClock.getAsLong());
		if (request.expiry() && this.lifetimes != null) {
			// the delegate drops the due times of what it expires before the copy hears of it:
			// a read in between would show the expired value unhidden (a miss waits for the lock)
			for (Write write : request.writes()) {
				invalidate(write.path());
			}
		}
		long seen = this.cache.generation();
		CommitResult result;
		try {
			result = this.delegate.commit(request);
		}
		catch (PreconditionFailedException ex) {
			// the copy may be what was stale (another instance wrote): let the retry read afresh
			invalidate(ex.getPath());
			throw ex;
		}
		catch (StateStorageException ex) {
			// the delegate may have written part of it (a hybrid spanning mounts): forget what it touched
			for (Write write : request.writes()) {
				invalidate(write.path());
			}
			throw ex;
		}
		if (StateValues.unchanged(result.changes())) {
			// Nothing was written: the copy keeps what the delegate holds (an equal value of
			// another type, 1.0 over 1, must not replace it here only). No revision was taken: in
			// front of a shared backend that is revision 0, as the delegate reports it
			// (CommitResult), never this backend's last one, which the controller would take for
			// the namespace's revision moving back and answer with a resync
			return new CommitResult(this.delegate.isShared() ? 0 : this.revision, result.changes());
		}
		boolean several = request.writes().size() > 1;
		for (Change change : result.changes()) {
			if (this.cache.generation() != seen) {
				invalidate(change.path());
				continue;
			}
			if (several && change.newValue() == null && !change.path().isRoot()) {
				// an earlier write of the same commit may have created the deleted path's parents,
				// which the change list does not show: let the next read ask the delegate
				invalidate(change.path().parent());
				continue;
			}
			try {
				this.cache.install(change.path(), change.newValue(), seen);
			}
			catch (RuntimeException ex) {
				invalidate(change.path());
			}
		}
		long next = this.sameRevisions ? result.revision() : this.revision + 1;
		this.revision = next;
		return new CommitResult(next, result.changes());
	}

	private CommitResult commitBehind(CommitRequest request, long now) {
		for (Precondition precondition : request.preconditions()) {
			if (!StateValues.equal(readLocked(precondition.path()), precondition.expected())) {
				throw new PreconditionFailedException(precondition.path());
			}
		}
		Map<StatePath, @Nullable Object> payloads = TreeChanges.lastPayloads(request.writes());
		for (Write write : request.writes()) {
			// know the nearest existing ancestor, so a write below a leaf is refused here
			for (StatePath parent = write.path().parent(); parent != null; parent = parent.parent()) {
				if (readLocked(parent) != null) {
					break;
				}
			}
		}
		Map<StatePath, @Nullable Object> before = new LinkedHashMap<>();
		for (StatePath path : payloads.keySet()) {
			before.put(path, readLocked(path));
		}
		for (Write write : request.writes()) {
			Object value = write.value();
			if (write.path().isRoot() && value != null && !StateValues.isBranch(value)) {
				throw new StateWriteException("Cannot write a " + value.getClass().getSimpleName()
						+ " at /: the root is always a branch");
			}
		}
		List<Change> changes = TreeChanges.fromValuesBefore(payloads, before, request.writes(), this);
		// the copy refuses what the delegate would (a write below a leaf) before the unchanged check
		boolean changed = this.cache.apply(request.writes(), !StateValues.unchanged(changes));
		if (!changed) {
			if (this.lifetimes != null && this.lifetimes.wouldChange(request.writes(), now)) {
				// a value rewritten as it was still takes its lifetime. The commit goes to the delegate
				// now, after the pending ones, as a commit of its own, which the delegate judges
				// unchanged as the copy did: it keeps the stored form (1.0 for 1.00), the children's
				// order and every empty branch, and applies the lifetimes. Merged into a later flush,
				// or replayed with the values held, it moved or lost them (README brk29)
				this.pending.flushTo(this.delegate, now);
				this.delegate.commit(request);
				this.lifetimes.apply(request.writes(), now);
			}
			return new CommitResult(this.revision, changes);
		}
		if (this.lifetimes != null) {
			this.lifetimes.apply(request.writes(), now);
		}
		this.cache.forgetDeletesBelowLeaves(request.writes(), changes);
		this.pending.add(request, now, changes);
		long next = this.revision + 1;
		this.revision = next;
		return new CommitResult(next, changes);
	}

	// ---- flushing ----

	/**
	 * Writes pending commits to the delegate as one commit.
	 * @throws StateStorageException if the delegate fails; the commits stay pending
	 */
	@Override
	public void flush() {
		this.lock.lock();
		try {
			this.pending.flushTo(this.delegate, this.nanoClock.getAsLong());
			this.delegate.flush();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void flushFromTimer() {
		if (!this.pending.hasPending() || this.closed) {
			return;
		}
		try {
			flush();
		}
		catch (RuntimeException ex) {
			logger.error("Periodic flush of the StateTree cache failed; the writes stay pending and are retried", ex);
		}
	}

	// ---- invalidation ----

	/**
	 * Forgets the cached subtree at a path, and the completeness of its ancestors, so the next
	 * reads there go to the delegate. Pending (unflushed) commits stay pending and are applied
	 * again to what is read. Called by shared backends' change feeds.
	 * @param path the path that changed elsewhere
	 */
	public void invalidate(StatePath path) {
		this.cache.invalidate(path);
	}

	/**
	 * Forgets everything cached.
	 */
	public void invalidateAll() {
		this.cache.invalidateAll();
	}

	/** Asks the delegate: its feed's commits reach this backend's listener through the cache. */
	@Override
	public boolean catchUpFeed(long revision) {
		return this.delegate.catchUpFeed(revision);
	}

	@Override
	public void setBackendListener(@Nullable BackendListener listener) {
		this.delegate.setBackendListener((listener != null) ? new InvalidatingListener(this, this.sameRevisions, listener) : null);
	}

	// ---- the rest of the SPI ----

	/** Returns the lifetimes, or {@code null} when the delegate keeps none. */
	@Override
	public @Nullable ExpiringEntries expiringEntries() {
		return this.lifetimes;
	}

	@Override
	public @Nullable CommitHistory history() {
		return this.sameRevisions ? this.delegate.history() : null;
	}

	/**
	 * Returns the delegate's group progress (DESIGN §13) when its history is this backend's too
	 * (writing through in front of a backend that is not shared); else {@code null}: the
	 * controller keeps group progress in memory, or refuses group subscriptions when the delegate
	 * is shared (their events would come from each instance's own memory).
	 */
	@Override
	public @Nullable ConsumerGroups consumerGroups() {
		// in front of a shared backend group listeners stay refused (not tested through a cache)
		return (this.sameRevisions && !this.delegate.isShared()) ? this.delegate.consumerGroups() : null;
	}

	@Override
	public @Nullable Versioned<@Nullable Object> readVersioned(StatePath path) {
		return this.sameRevisions ? this.delegate.readVersioned(path) : null;
	}

	@Override
	public long revision() {
		// a shared delegate's revision moves with other instances' commits (and back, should it
		// come back empty): it is the one to report
		return this.delegate.isShared() ? this.delegate.revision() : this.revision;
	}

	@Override
	public boolean isShared() {
		return this.delegate.isShared();
	}

	/** As the delegate's: in front of a shared backend the cache's revisions are the delegate's. */
	@Override
	public boolean hasOneRevisionSpace() {
		return this.delegate.hasOneRevisionSpace();
	}

	@Override
	public void check() {
		this.delegate.check();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", "caching");
		description.put("policy", this.policy.describe());
		description.put("delegate", this.delegate.describe());
		return description;
	}

	/**
	 * Stops the flush thread, flushes pending commits and closes the delegate. If the flush
	 * fails, this throws and stays open (without the flush thread) so that {@code close()} can be
	 * retried; the delegate is not closed then.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		if (this.timer != null) {
			this.timer.stop();
		}
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.pending.flushTo(this.delegate, this.nanoClock.getAsLong());
			this.closed = true;
		}
		finally {
			this.lock.unlock();
		}
		this.delegate.close();
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The CachingBackend in front of " + this.delegate + " is closed");
		}
	}

	@Override
	public String toString() {
		return "CachingBackend[" + this.delegate + ", " + this.policy + "]";
	}

	/**
	 * Describes this backend as one in front of its {@link #delegate()}.
	 */
	@Override
	public BackendDescription description() {
		return BackendDescription.inFrontOf("caching", describe(), delegate());
	}

}
