package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
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
 */
public final class CachingBackend implements StateBackend {

	private static final Logger logger = LoggerFactory.getLogger(CachingBackend.class);

	private final StateBackend delegate;

	private final CachePolicy policy;

	private final AtomicReference<Node> cache = new AtomicReference<>(Partial.EMPTY);

	private final AtomicLong generation = new AtomicLong();

	private final ReentrantLock lock = new ReentrantLock();

	private final List<CommitRequest> pending = new ArrayList<>();

	private volatile boolean hasPending;

	private volatile long revision;

	private volatile boolean closed;

	private final @Nullable ScheduledExecutorService timer;

	/**
	 * Creates a cache in front of a backend.
	 * @param delegate the backend that stores
	 * @param policy when commits are written to it
	 * @throws IllegalArgumentException if the policy is write-behind and the delegate is shared
	 */
	public CachingBackend(StateBackend delegate, CachePolicy policy) {
		if (policy.writeBehind() && delegate.isShared()) {
			throw new IllegalArgumentException("A write-behind cache (flushOnWrite or flushOnDelete off) cannot front "
					+ "the shared backend " + delegate.describe().get("type")
					+ ": other instances would not see pending writes and atomic updates would break");
		}
		this.delegate = delegate;
		this.policy = policy;
		this.revision = delegate.revision();
		if (policy.flushInterval() != null) {
			long millis = Math.max(1, policy.flushInterval().toMillis());
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
				Thread thread = new Thread(task, "statetree-cache-flush");
				thread.setDaemon(true);
				return thread;
			});
			executor.scheduleWithFixedDelay(this::flushFromTimer, millis, millis, TimeUnit.MILLISECONDS);
			this.timer = executor;
		}
		else {
			this.timer = null;
		}
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

	// ---- the cached tree ----

	private sealed interface Node permits Known, Partial {

	}

	/** A complete subtree: its value, {@code null} when the path is known to be absent. */
	private record Known(@Nullable Object value) implements Node {

	}

	/** Some children are known; the branch itself is not. */
	private record Partial(PersistentOrderedMap<String, Node> children) implements Node {

		static final Partial EMPTY = new Partial(PersistentOrderedMap.empty());

	}

	private static final Object MISS = new Object();

	/** Looks a path up in the cache; {@link #MISS} when not known. */
	private static @Nullable Object lookup(Node root, StatePath path) {
		Node node = root;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			if (node instanceof Known known) {
				Object value = known.value();
				for (int j = i; j < depth && value != null; j++) {
					value = StateValues.child(value, path.segment(j));
				}
				return value;
			}
			node = ((Partial) node).children().get(path.segment(i));
			if (node == null) {
				return MISS;
			}
		}
		return (node instanceof Known known) ? known.value() : MISS;
	}

	/** Puts a complete subtree at a path, below any known ancestor or as a new known node. */
	private static Node put(Node node, StatePath path, int index, @Nullable Object value) {
		if (node instanceof Known known) {
			StatePath prefix = path.prefix(index);
			Object updated = StateValues.setIn(known.value(), prefix, prefix.relativize(path), value);
			return new Known((updated == null && prefix.isRoot()) ? StateValues.emptyBranch() : updated);
		}
		if (index == path.depth()) {
			return new Known((value == null && path.isRoot()) ? StateValues.emptyBranch() : value);
		}
		Partial partial = (Partial) node;
		String key = path.segment(index);
		Node child = partial.children().get(key);
		return new Partial(partial.children().put(key, put((child != null) ? child : Partial.EMPTY, path, index + 1, value)));
	}

	/** Forgets a path's subtree, and the completeness of its ancestors. */
	private static @Nullable Node drop(@Nullable Node node, StatePath path, int index) {
		if (node == null || index == path.depth()) {
			return null;
		}
		Partial partial;
		if (node instanceof Known known) {
			if (!(known.value() instanceof Map<?, ?> map)) {
				return null;
			}
			PersistentOrderedMap<String, Node> children = PersistentOrderedMap.empty();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				children = children.put((String) entry.getKey(), new Known(entry.getValue()));
			}
			partial = new Partial(children);
		}
		else {
			partial = (Partial) node;
		}
		String key = path.segment(index);
		Node child = partial.children().get(key);
		if (child == null) {
			return partial;
		}
		Node updated = drop(child, path, index + 1);
		return new Partial((updated == null) ? partial.children().remove(key) : partial.children().put(key, updated));
	}

	/** Installs a value read from the delegate unless an invalidation happened since {@code seen}. */
	private void install(StatePath path, @Nullable Object value, long seen) {
		while (true) {
			Node current = this.cache.get();
			if (this.generation.get() != seen) {
				return;
			}
			if (this.cache.compareAndSet(current, put(current, path, 0, value))) {
				return;
			}
		}
	}

	// ---- reading ----

	@Override
	public @Nullable Object read(StatePath path) {
		checkOpen();
		if (this.policy.flushOnRead() && this.hasPending) {
			flush();
		}
		Object value = lookup(this.cache.get(), path);
		if (value != MISS) {
			return value;
		}
		this.lock.lock();
		try {
			return readLocked(path);
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
		if (this.policy.flushOnRead() && this.hasPending) {
			flush();
		}
		Object value = lookup(this.cache.get(), path);
		if (value != MISS) {
			return FileSystemBackend.childNamesOf(value);
		}
		this.lock.lock();
		try {
			if (!this.pending.isEmpty()) {
				return FileSystemBackend.childNamesOf(readLocked(path));
			}
			value = lookup(this.cache.get(), path);
			return (value != MISS) ? FileSystemBackend.childNamesOf(value) : this.delegate.childNames(path);
		}
		finally {
			this.lock.unlock();
		}
	}

	private @Nullable Object readLocked(StatePath path) {
		Object value = lookup(this.cache.get(), path);
		if (value != MISS) {
			return value;
		}
		long seen = this.generation.get();
		value = this.delegate.read(path);
		for (CommitRequest request : this.pending) {
			value = StateValues.valueAfter(path, value, request.writes());
		}
		install(path, value, seen);
		return value;
	}

	// ---- committing ----

	@Override
	public CommitResult commit(CommitRequest request) {
		checkOpen();
		boolean writes = false;
		boolean deletes = false;
		for (Write write : request.writes()) {
			writes |= write.value() != null;
			deletes |= write.value() == null;
		}
		boolean through = (writes && this.policy.flushOnWrite()) || (deletes && this.policy.flushOnDelete())
				|| !this.policy.writeBehind();
		this.lock.lock();
		try {
			this.delegate.reserveRevision(this.revision + 1);
			return through ? commitThrough(request) : commitBehind(request);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void reserveRevision(long revision) {
		checkOpen();
		this.delegate.reserveRevision(revision);
	}

	private CommitResult commitThrough(CommitRequest request) {
		flushLocked();
		long seen = this.generation.get();
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
			// another type, 1.0 over 1, must not replace it here only).
			return new CommitResult(this.revision, result.changes());
		}
		boolean several = request.writes().size() > 1;
		for (Change change : result.changes()) {
			if (this.generation.get() != seen) {
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
				install(change.path(), change.newValue(), seen);
			}
			catch (RuntimeException ex) {
				invalidate(change.path());
			}
		}
		long next = this.revision + 1;
		this.revision = next;
		return new CommitResult(next, result.changes());
	}

	private CommitResult commitBehind(CommitRequest request) {
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
		List<Change> changes = TreeChanges.fromValuesBefore(payloads, before, request.writes());
		boolean validated = false;
		while (true) {
			Node current = this.cache.get();
			Node updated = current;
			for (Write write : request.writes()) {
				updated = put(updated, write.path(), 0, write.value());
			}
			if (!validated && StateValues.unchanged(changes)) {
				return new CommitResult(this.revision, changes);
			}
			validated = true;
			if (this.cache.compareAndSet(current, updated)) {
				break;
			}
		}
		this.pending.add(request);
		this.hasPending = true;
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
			flushLocked();
			this.delegate.flush();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void flushLocked() {
		if (this.pending.isEmpty()) {
			return;
		}
		List<Write> writes = new ArrayList<>();
		for (CommitRequest request : this.pending) {
			writes.addAll(request.writes());
		}
		try {
			this.delegate.commit(new CommitRequest(writes, List.of(), this.pending.get(0).origin()));
		}
		catch (RuntimeException ex) {
			throw new StateStorageException("Cannot flush " + this.pending.size() + " pending commit(s) writing "
					+ pendingPaths() + " to " + this.delegate.describe() + "; they stay pending: " + ex.getMessage(), ex);
		}
		this.pending.clear();
		this.hasPending = false;
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

	private void flushFromTimer() {
		if (!this.hasPending || this.closed) {
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
		this.generation.incrementAndGet();
		while (true) {
			Node current = this.cache.get();
			Node updated = drop(current, path, 0);
			if (this.cache.compareAndSet(current, (updated != null) ? updated : Partial.EMPTY)) {
				return;
			}
		}
	}

	/**
	 * Forgets everything cached.
	 */
	public void invalidateAll() {
		this.generation.incrementAndGet();
		this.cache.set(Partial.EMPTY);
	}

	@Override
	public void setBackendListener(@Nullable BackendListener listener) {
		this.delegate.setBackendListener((listener != null) ? new InvalidatingListener(listener) : null);
	}

	/** Invalidates what another instance changed before passing the news on. */
	private final class InvalidatingListener implements BackendListener {

		private final BackendListener target;

		InvalidatingListener(BackendListener target) {
			this.target = target;
		}

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			for (Change change : commit.changes()) {
				invalidate(change.path());
			}
			this.target.onRemoteCommit(commit);
		}

		@Override
		public void onResync() {
			invalidateAll();
			this.target.onResync();
		}

	}

	// ---- the rest of the SPI ----

	@Override
	public long revision() {
		return this.revision;
	}

	@Override
	public boolean isShared() {
		return this.delegate.isShared();
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
			this.timer.shutdown();
			try {
				this.timer.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			flushLocked();
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
