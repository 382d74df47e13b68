package io.statetree.core.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * Serves different parts of the tree from different backends: a root backend, and backends
 * mounted at paths ({@code hybrid.mount("/persistent", fileBackend)}).
 * <p>
 * <b>Routing.</b> A path at or below a mount point is served by that mount (mount points never
 * overlap, so there is at most one), every other path by the root backend. A mounted backend
 * sees paths relative to its mount point: {@code /persistent/a} is {@code /a} in it.
 * <p>
 * <b>Reading above mount points</b> merges each mounted subtree in at its position, keeping the
 * root backend's data at intermediate levels: with a mount at {@code /p/m}, reading {@code /p}
 * returns the root backend's {@code /p} with {@code m} set to the mount's whole tree. A mount
 * point holding data is a branch (a backend's root is one), so its ancestors are too. A mount
 * hides whatever the root backend holds at and below its path. <b>A mount point reads as the
 * in-memory backend would read the same path after the same writes</b>: the mount's tree when it
 * holds values; when it is empty, {@code {}} if the mount point was created (a value written at
 * or below it, or an empty branch written there) and not deleted since, else absent (so an empty
 * hybrid reads as an empty root, as every backend does). The root backend keeps that bit as an
 * empty branch at the mount point's path ({@link MountMarkers}), written in the same commit.
 * <p>
 * <b>Writing above mount points</b> splits the write: the mounted subtree of the value goes to
 * the mount (replacing its whole tree, or emptying it when the value has nothing there), the
 * rest to the root backend. <b>A mount point is always a branch</b>, like the root: a write
 * whose value would put a leaf (a number, a string, an array) at a mount point or at one of its
 * ancestors is refused with {@link StateWriteException}, naming the path and the mount point,
 * before anything is written on any backend. Deleting a mount point, or a path above it, empties
 * the mount and deletes its marker (it reads as absent). The changes a commit reports agree with
 * reads: an empty mount's value before or after is {@code {}} or {@code null}, as a read of the
 * mount point returns it.
 * <p>
 * <b>Atomicity.</b> A commit whose writes all fall to one backend is exactly as atomic as that
 * backend's commit (preconditions on that backend's paths are checked by it, so an atomic update
 * on a shared backend stays atomic across instances). A commit spanning several backends commits
 * one part per backend, root backend first, then mounts in path order (a shared backend with
 * preconditions first, so it checks them atomically). Every refusal is made before the first part
 * is written: the mount rule, every precondition, and each later part's own check by its backend
 * ({@link StateBackend#checkCommit}: the model's rules, and a file backend's size and name
 * limits); a refused commit leaves every backend as it was. Only a failure that no check can
 * foresee (storage, or a shared backend changed by another instance meanwhile) can stop a later
 * part after earlier ones were written: the earlier parts are then taken back (each backend's
 * replaced values written back, only where it still holds what the part wrote; its listeners and
 * history see both), and the call throws the later part's failure, having left nothing behind.
 * Only if even that fails does the {@link StateStorageException} thrown name the parts that were
 * and were not written. Commits through this backend are
 * serialized, and reads do not interleave with them, so within one process a read never sees half
 * of a commit.
 * <p>
 * <b>Revisions</b> count commits made through this backend, starting from the highest revision of
 * its backends. Before each commit the revision it may get is reserved with every backend
 * ({@link StateBackend#reserveRevision}); a filesystem backend stores it, so with one mounted (or
 * as the root) the hybrid's revisions keep increasing across restarts. When any delegate is shared the
 * hybrid is shared: {@link #setBackendListener} is forwarded to the shared delegates with mounted
 * paths translated back to absolute paths. When a shared delegate's revision moves backwards
 * (Redis came back empty: DESIGN §18), the hybrid's is counted again from the highest of its
 * backends' revisions then, and its listener hears {@link BackendListener#onRevisionMovedBack}
 * with it.
 * <p>
 * <b>History.</b> The hybrid keeps no history of its own ({@link #history()} is {@code null}):
 * its revisions are not any delegate's, and commits to a memory mount never reach a filesystem
 * backend's log, so the controller keeps the history in memory. With a filesystem root or mount
 * the revision survives a restart; the history does not.
 * <p>
 * <b>Lifetimes</b> (time to live, ephemeral entries; DESIGN §12) are kept per backend: a write
 * with one goes to the backend serving its path (one keeping none refuses it with
 * {@link UnsupportedOperationException}), and a lifetime on a path at or above a mount point is
 * refused with {@link StateWriteException} naming the path and the reason, before anything is
 * written ({@link #checkCommit} refuses both too).
 * {@link #expiringEntries()} composes the backends' lifetimes at their full paths.
 * <p>
 * {@link #close()} closes the root and every mounted backend; {@link #unmount} does not close the
 * backend it removes.
 */
public final class HybridBackend implements StateBackend {

	private final StateBackend root;

	private volatile Mounts mounts;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private final AtomicLong revision = new AtomicLong();

	private final MountedLifetimes lifetimes = new MountedLifetimes(() -> this.mounts);

	/**
	 * Creates a hybrid with only a root backend.
	 * @param root the backend serving every path not under a mount point
	 */
	public HybridBackend(StateBackend root) {
		this.root = root;
		this.mounts = Mounts.of(root);
		this.revision.set(root.revision());
	}

	/**
	 * Mounts a backend at a path.
	 * @param path the mount point, not the root
	 * @param backend the backend to serve that path and below
	 * @return this hybrid
	 * @throws IllegalArgumentException if the path is the root, is already a mount point, or lies
	 * above or below another mount point; the message names both paths
	 */
	public HybridBackend mount(String path, StateBackend backend) {
		return mount(StatePath.of(path), backend);
	}

	/**
	 * Mounts a backend at a path.
	 * @param path the mount point, not the root
	 * @param backend the backend to serve that path and below
	 * @return this hybrid
	 * @throws IllegalArgumentException if the path is the root, is already a mount point, or lies
	 * above or below another mount point; the message names both paths
	 */
	public HybridBackend mount(StatePath path, StateBackend backend) {
		if (path.isRoot()) {
			throw new IllegalArgumentException("Cannot mount a backend at /: pass it as the hybrid's root backend");
		}
		this.lock.writeLock().lock();
		try {
			this.mounts = this.mounts.with(path, backend);
			this.revision.accumulateAndGet(backend.revision(), Math::max);
			return this;
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Removes a mount. The backend is not closed.
	 * @param path the mount point
	 * @return whether a backend was mounted there
	 */
	public boolean unmount(String path) {
		return unmount(StatePath.of(path));
	}

	/**
	 * Removes a mount. The backend is not closed.
	 * @param path the mount point
	 * @return whether a backend was mounted there
	 */
	public boolean unmount(StatePath path) {
		this.lock.writeLock().lock();
		try {
			Mounts next = this.mounts.without(path);
			if (next == null) {
				return false;
			}
			this.mounts = next;
			return true;
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Returns the mounts.
	 * @return an unmodifiable map of mount point to backend, in path order
	 */
	public Map<StatePath, StateBackend> mounts() {
		return this.mounts.points();
	}

	/**
	 * Returns the root backend.
	 * @return the backend serving every path not under a mount point
	 */
	public StateBackend root() {
		return this.root;
	}

	// ---- reading ----

	@Override
	public @Nullable Object read(StatePath path) {
		this.lock.readLock().lock();
		try {
			return MountedReads.read(this.mounts, path);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Lists children through the backends' own listings: below a mount point the mounted
	 * backend's, above it the root backend's plus the names leading to non-empty mounts (an empty
	 * mount hides the root backend's entry of the same name, as reads do).
	 */
	@Override
	public List<String> childNames(StatePath path) {
		this.lock.readLock().lock();
		try {
			return MountedReads.childNames(this.mounts, path);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	// ---- committing ----

	@Override
	public void reserveRevision(long revision) {
		this.lock.writeLock().lock();
		try {
			this.mounts.reserveRevision(revision);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		this.lock.writeLock().lock();
		try {
			Mounts mounts = this.mounts;
			long reserved = this.revision.get() + 1;
			mounts.reserveRevision(reserved);
			boolean changed = false;
			try {
				List<Change> changes = new MountedCommit(mounts, request).run();
				changed = !TreeChanges.unchanged(changes);
				return new CommitResult(changed ? this.revision.incrementAndGet() : this.revision.get(), changes);
			}
			finally {
				if (!changed) {
					mounts.releaseRevision(reserved);
				}
			}
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Hands back a reservation made through this hybrid ({@link RevisionReservations}). */
	void releaseRevision(long revision) {
		this.lock.writeLock().lock();
		try {
			this.mounts.releaseRevision(revision);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Checks the commit as {@link #commit} would, writing nothing: the mount rule, the
	 * preconditions, and each backend's own check of its part ({@link StateBackend#checkCommit}).
	 */
	@Override
	public void checkCommit(CommitRequest request) {
		this.lock.writeLock().lock();
		try {
			new MountedCommit(this.mounts, request).check();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	// ---- the rest of the SPI ----

	@Override
	public long revision() {
		return this.revision.get();
	}

	/**
	 * Returns the backends' lifetimes at their full paths. Always present: a write with a lifetime
	 * is refused when the backend serving its path keeps none.
	 */
	@Override
	public ExpiringEntries expiringEntries() {
		return this.lifetimes;
	}

	@Override
	public boolean isShared() {
		return this.mounts.isShared();
	}

	/**
	 * {@code false} when any of its backends (root or mounted) is shared: the hybrid numbers its
	 * own commits with a counter of its own, while its feed forwards the shared backends'
	 * revisions, each from that backend's namespace (and each backend's feed reports its own moves
	 * back). With no shared backend every revision the controller sees is the hybrid's counter.
	 */
	@Override
	public boolean hasOneRevisionSpace() {
		return !this.mounts.isShared();
	}

	@Override
	public void setBackendListener(@Nullable BackendListener listener) {
		MountedFeed.connect(this.mounts, () -> this.mounts, listener, this::movedBack);
	}

	/**
	 * A shared backend's revision moved backwards (Redis came back empty: DESIGN §18): the
	 * hybrid's revision is counted again from the highest of its backends' revisions now (the
	 * moved one at {@code revision}), as at creation.
	 * @return the hybrid's revision now
	 * @throws io.statetree.core.StateStorageException if another backend's revision cannot be read;
	 * the hybrid's revision is left as it was
	 */
	private long movedBack(StateBackend moved, long revision) {
		this.lock.writeLock().lock();
		try {
			long highest = revision;
			for (StateBackend backend : this.mounts.all()) {
				if (backend != moved) {
					highest = Math.max(highest, backend.revision());
				}
			}
			this.revision.set(highest);
			return highest;
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/**
	 * Asks every shared backend (root and mounts) to catch its feed up; settled when every one
	 * is. Mounted backends count their own revisions, so each reads up to its feed's end at most.
	 */
	@Override
	public boolean catchUpFeed(long revision) {
		boolean settled = true;
		boolean any = false;
		for (StateBackend backend : this.mounts.all()) {
			if (backend.isShared()) {
				any = true;
				settled &= backend.catchUpFeed(revision);
			}
		}
		return any && settled;
	}

	@Override
	public void check() {
		for (StateBackend backend : this.mounts.all()) {
			backend.check();
		}
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", "hybrid");
		description.put("root", this.root.describe());
		Map<String, Object> mounted = new LinkedHashMap<>();
		this.mounts.points().forEach((point, backend) -> mounted.put(point.toString(), backend.describe()));
		description.put("mounts", mounted);
		return description;
	}

	@Override
	public void flush() {
		RuntimeException failure = null;
		for (StateBackend backend : this.mounts.all()) {
			try {
				backend.flush();
			}
			catch (RuntimeException ex) {
				failure = addFailure(failure, ex);
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		List<StateBackend> backends = this.mounts.all();
		Collections.reverse(backends);
		for (StateBackend backend : backends) {
			try {
				backend.close();
			}
			catch (RuntimeException ex) {
				failure = addFailure(failure, ex);
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private static RuntimeException addFailure(@Nullable RuntimeException failure, RuntimeException ex) {
		if (failure == null) {
			return ex;
		}
		failure.addSuppressed(ex);
		return failure;
	}

	@Override
	public String toString() {
		return "HybridBackend[root=" + this.root + ", mounts=" + this.mounts + "]";
	}

	/**
	 * Describes this backend as composed of its root backend (at {@code /}) and its mounts, in
	 * the order of {@link #mounts()}.
	 */
	@Override
	public BackendDescription description() {
		return BackendDescription.composed("hybrid", describe(), root(), mounts());
	}

}
