package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * hides whatever the root backend holds at and below its path. A mount whose tree is empty reads
 * as absent (so an empty hybrid reads as an empty root, as every backend does).
 * <p>
 * <b>Writing above mount points</b> splits the write: the mounted subtree of the value goes to
 * the mount (replacing its whole tree, or emptying it when the value has nothing there), the
 * rest to the root backend. Because a mount point is always a branch, writing a leaf at or above
 * a mount point along its path is refused with {@link StateWriteException} before anything is
 * written.
 * <p>
 * <b>Atomicity.</b> A commit whose writes all fall to one backend is exactly as atomic as that
 * backend's commit (preconditions on that backend's paths are checked by it, so an atomic update
 * on a shared backend stays atomic across instances). A commit spanning several backends commits
 * one part per backend, root backend first, then mounts in path order; each part is atomic, but
 * if a later part fails the earlier parts stay committed: the {@link StateStorageException}
 * thrown then names the parts that were and were not written. Commits through this backend are
 * serialized, and reads do not interleave with them, so within one process a read never sees half
 * of a commit.
 * <p>
 * <b>Revisions</b> count commits made through this backend, starting from the highest revision of
 * its backends. Before each commit the revision it may get is reserved with every backend
 * ({@link StateBackend#reserveRevision}); a filesystem backend stores it, so with one mounted (or
 * as the root) the hybrid's revisions keep increasing across restarts. When any delegate is shared the
 * hybrid is shared: {@link #setBackendListener} is forwarded to the shared delegates with mounted
 * paths translated back to absolute paths.
 * <p>
 * {@link #close()} closes the root and every mounted backend; {@link #unmount} does not close the
 * backend it removes.
 */
public final class HybridBackend implements StateBackend {

	private final StateBackend root;

	private volatile Map<StatePath, StateBackend> mounts = Collections.emptyMap();

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private final AtomicLong revision = new AtomicLong();

	/**
	 * Creates a hybrid with only a root backend.
	 * @param root the backend serving every path not under a mount point
	 */
	public HybridBackend(StateBackend root) {
		this.root = root;
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
			for (StatePath existing : this.mounts.keySet()) {
				if (existing.equals(path)) {
					throw new IllegalArgumentException("Cannot mount at " + path + ": " + existing
							+ " is already a mount point");
				}
				if (existing.isAncestorOf(path) || path.isAncestorOf(existing)) {
					throw new IllegalArgumentException("Cannot mount at " + path + ": it overlaps the mount point "
							+ existing + " (mount points may not lie above or below each other)");
				}
			}
			TreeMap<StatePath, StateBackend> next = new TreeMap<>(this.mounts);
			next.put(path, backend);
			this.mounts = Collections.unmodifiableMap(next);
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
			if (!this.mounts.containsKey(path)) {
				return false;
			}
			TreeMap<StatePath, StateBackend> next = new TreeMap<>(this.mounts);
			next.remove(path);
			this.mounts = Collections.unmodifiableMap(next);
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
		return this.mounts;
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
			return readLocked(path, this.mounts);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private @Nullable Object readLocked(StatePath path, Map<StatePath, StateBackend> mounts) {
		for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				StatePath relative = mount.getKey().relativize(path);
				Object value = mount.getValue().read(relative);
				return (relative.isRoot() && isEmpty(value)) ? null : value;
			}
		}
		Object value = this.root.read(path);
		for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
			if (path.isAncestorOf(mount.getKey())) {
				value = graft(value, path, path.relativize(mount.getKey()), mount.getValue().read(StatePath.ROOT));
			}
		}
		return value;
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
			for (Map.Entry<StatePath, StateBackend> mount : this.mounts.entrySet()) {
				if (mount.getKey().isAncestorOrSelf(path)) {
					return mount.getValue().childNames(mount.getKey().relativize(path));
				}
			}
			List<String> names = new ArrayList<>(this.root.childNames(path));
			for (Map.Entry<StatePath, StateBackend> mount : this.mounts.entrySet()) {
				if (!path.isAncestorOf(mount.getKey())) {
					continue;
				}
				String name = mount.getKey().segment(path.depth());
				boolean empty = mount.getValue().childNames(StatePath.ROOT).isEmpty();
				if (!empty && !names.contains(name)) {
					names.add(name);
				}
				else if (empty && mount.getKey().depth() == path.depth() + 1 && !hasNonEmptyMountBelow(mount.getKey())) {
					names.remove(name);
				}
			}
			return List.copyOf(names);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private boolean hasNonEmptyMountBelow(StatePath point) {
		for (Map.Entry<StatePath, StateBackend> mount : this.mounts.entrySet()) {
			if (point.isAncestorOf(mount.getKey()) && !mount.getValue().childNames(StatePath.ROOT).isEmpty()) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void reserveRevision(long revision) {
		this.lock.writeLock().lock();
		try {
			reserve(revision, this.mounts);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Lets every backend that keeps its revision store the one this commit may get. */
	private void reserve(long revision, Map<StatePath, StateBackend> mounts) {
		this.root.reserveRevision(revision);
		for (StateBackend backend : mounts.values()) {
			backend.reserveRevision(revision);
		}
	}

	private static boolean isEmpty(@Nullable Object value) {
		return value == null || (value instanceof Map<?, ?> map && map.isEmpty());
	}

	/**
	 * Puts a mounted tree into a value read from the root backend, turning whatever lies on the way
	 * into branches; an empty mounted tree only hides the root backend's data at its position.
	 */
	static @Nullable Object graft(@Nullable Object value, StatePath base, StatePath relative, @Nullable Object mounted) {
		if (isEmpty(mounted)) {
			return StateValues.setIn(value, base, relative, null);
		}
		return graft(value, relative, 0, mounted);
	}

	private static Object graft(@Nullable Object value, StatePath relative, int index, Object mounted) {
		if (index == relative.depth()) {
			return mounted;
		}
		Map<String, Object> branch = (value instanceof Map<?, ?>) ? asBranch(value) : Branch.EMPTY;
		String key = relative.segment(index);
		Object child = graft(branch.get(key), relative, index + 1, mounted);
		Branch b = (branch instanceof Branch existing) ? existing : (Branch) StateValues.branch(branch);
		return b.with(key, child);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> asBranch(Object value) {
		return (Map<String, Object>) value;
	}

	// ---- committing ----

	/**
	 * Throws the {@link StateWriteException} a backend would throw for a write below a leaf (its
	 * own value or one an earlier write of the same part puts there), without writing.
	 * @param backend the backend the part is for
	 * @param writes the part, with paths relative to the backend
	 * @param point where the backend is mounted, to name paths as the caller gave them
	 */
	private static void refuseBelowLeaves(StateBackend backend, List<Write> writes, StatePath point) {
		if (backend instanceof InMemoryBackend memory) {
			StateValues.applyToRoot(memory.root(), writes);
			return;
		}
		for (int i = 0; i < writes.size(); i++) {
			Write write = writes.get(i);
			if (write.value() == null) {
				continue;
			}
			StatePath path = write.path();
			for (int depth = path.depth() - 1; depth >= 0; depth--) {
				StatePath ancestor = path.prefix(depth);
				Object value = valueBefore(backend, writes, i, ancestor);
				if (value == null) {
					continue;
				}
				if (!StateValues.isBranch(value)) {
					throw new StateWriteException("Cannot write " + point.resolve(path) + ": " + point.resolve(ancestor)
							+ " holds a leaf value (a " + value.getClass().getSimpleName() + "), not a branch");
				}
				break;
			}
		}
	}

	/**
	 * The kind of value at a path before write {@code index} of a part: a map stands for any
	 * branch, another object for a leaf, null for absent.
	 */
	private static @Nullable Object valueBefore(StateBackend backend, List<Write> writes, int index, StatePath path) {
		for (int j = index - 1; j >= 0; j--) {
			Write earlier = writes.get(j);
			if (earlier.path().isAncestorOrSelf(path)) {
				return StateValues.getIn(earlier.value(), earlier.path().relativize(path));
			}
			if (path.isAncestorOf(earlier.path()) && earlier.value() != null) {
				return StateValues.emptyBranch();
			}
		}
		return backend.read(path);
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		this.lock.writeLock().lock();
		try {
			Map<StatePath, StateBackend> mounts = this.mounts;
			reserve(this.revision.get() + 1, mounts);
			List<StateBackend> order = new ArrayList<>();
			order.add(this.root);
			order.addAll(mounts.values());
			Map<StateBackend, StatePath> base = new LinkedHashMap<>();
			base.put(this.root, StatePath.ROOT);
			mounts.forEach((point, backend) -> base.put(backend, point));
			Map<StateBackend, List<Write>> parts = new LinkedHashMap<>();
			Map<StateBackend, List<Precondition>> conditions = new LinkedHashMap<>();
			for (StateBackend backend : order) {
				parts.put(backend, new ArrayList<>());
				conditions.put(backend, new ArrayList<>());
			}

			// paths spanning a mount point are owned by the hybrid; the others by one backend
			Map<StatePath, @Nullable Object> payloads = TreeChanges.lastPayloads(request.writes());
			for (Precondition precondition : request.preconditions()) {
				StateBackend owner = owner(precondition.path(), mounts);
				if (owner != null) {
					StatePath relative = base.get(owner).relativize(precondition.path());
					// an empty mount reads as absent here but as an empty branch in the mounted backend
					Object expected = (relative.isRoot() && precondition.expected() == null) ? StateValues.emptyBranch()
							: precondition.expected();
					conditions.get(owner).add(new Precondition(relative, expected));
				}
				else if (!StateValues.equal(readLocked(precondition.path(), mounts), precondition.expected())) {
					throw new PreconditionFailedException(precondition.path());
				}
			}
			for (Write write : request.writes()) {
				split(write, mounts, parts);
			}
			int involved = 0;
			for (StateBackend backend : order) {
				if (!parts.get(backend).isEmpty() || !conditions.get(backend).isEmpty()) {
					involved++;
				}
			}
			if (involved > 1) {
				// Spanning backends: check every precondition here, under this backend's lock, before
				// any part is written, so a failed one cannot leave earlier parts committed. The first
				// part written also checks its own atomically (a shared mount may change meanwhile);
				// later parts rely on the check above.
				for (Precondition precondition : request.preconditions()) {
					if (owner(precondition.path(), mounts) != null
							&& !StateValues.equal(readLocked(precondition.path(), mounts), precondition.expected())) {
						throw new PreconditionFailedException(precondition.path());
					}
				}
				// A shared backend (another instance may change it meanwhile) with preconditions
				// goes first and checks them itself, atomically with its part; if they fail,
				// nothing is written. Otherwise the first part written checks its own.
				StateBackend atomic = null;
				for (StateBackend backend : order) {
					if (backend.isShared() && !conditions.get(backend).isEmpty()) {
						atomic = backend;
						break;
					}
				}
				if (atomic != null) {
					// the other parts are written after it: refuse now what they would refuse then
					for (StateBackend backend : order) {
						if (backend != atomic && !parts.get(backend).isEmpty()) {
							refuseBelowLeaves(backend, parts.get(backend), base.get(backend));
						}
					}
					order.remove(atomic);
					order.add(0, atomic);
				}
				boolean first = true;
				for (StateBackend backend : order) {
					if (backend == atomic) {
						first = false;
					}
					else if (atomic != null || parts.get(backend).isEmpty() || !first) {
						conditions.get(backend).clear();
					}
					else {
						first = false;
					}
				}
			}
			Map<StatePath, @Nullable Object> before = new LinkedHashMap<>();
			for (StatePath path : payloads.keySet()) {
				if (owner(path, mounts) == null) {
					before.put(path, readLocked(path, mounts));
				}
			}

			Map<StatePath, Change> delegated = new LinkedHashMap<>();
			List<StatePath> committed = new ArrayList<>();
			for (StateBackend backend : order) {
				List<Write> writes = parts.get(backend);
				List<Precondition> preconditions = conditions.get(backend);
				if (writes.isEmpty() && preconditions.isEmpty()) {
					continue;
				}
				StatePath point = base.get(backend);
				CommitResult result;
				try {
					result = backend.commit(new CommitRequest(writes, preconditions, request.origin()));
				}
				catch (RuntimeException ex) {
					if (committed.isEmpty()) {
						if (ex instanceof PreconditionFailedException failed) {
							// the mounted backend names its own path: name the one the caller gave
							throw new PreconditionFailedException(point.resolve(failed.getPath()));
						}
						throw ex;
					}
					List<StatePath> notWritten = new ArrayList<>();
					boolean after = false;
					for (StateBackend other : order) {
						after |= (other == backend);
						if (after && !parts.get(other).isEmpty()) {
							notWritten.add(base.get(other));
						}
					}
					throw new StateStorageException("A commit spanning mounts was partly written: the parts for "
							+ committed + " were committed, the parts for " + notWritten + " were not, because the part for "
							+ point + " failed: " + ex.getMessage(), ex);
				}
				committed.add(point);
				for (Change change : result.changes()) {
					StatePath absolute = point.resolve(change.path());
					if (payloads.containsKey(absolute) && owner(absolute, mounts) != null) {
						delegated.put(absolute, change);
					}
				}
			}
			List<Change> changes = new ArrayList<>(payloads.size());
			payloads.forEach((path, payload) -> {
				Change change = delegated.get(path);
				if (change != null) {
					changes.add(new Change(path, change.oldValue(), change.newValue(), payload));
				}
				else if (before.containsKey(path)) {
					changes.add(new Change(path, before.get(path), readLocked(path, mounts), payload));
				}
				else {
					Object value = readLocked(path, mounts);
					changes.add(new Change(path, value, value, payload));
				}
			});
			boolean changed = !TreeChanges.unchanged(changes);
			return new CommitResult(changed ? this.revision.incrementAndGet() : this.revision.get(), changes);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** The one backend serving a path and everything below it, or {@code null} when the path lies above a mount point. */
	private @Nullable StateBackend owner(StatePath path, Map<StatePath, StateBackend> mounts) {
		for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				return mount.getValue();
			}
			if (path.isAncestorOf(mount.getKey())) {
				return null;
			}
		}
		return this.root;
	}

	private void split(Write write, Map<StatePath, StateBackend> mounts, Map<StateBackend, List<Write>> parts) {
		StatePath path = write.path();
		for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				parts.get(mount.getValue()).add(new Write(mount.getKey().relativize(path), write.value(), write.payload()));
				return;
			}
		}
		Object rest = write.value();
		for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
			StatePath point = mount.getKey();
			if (!path.isAncestorOf(point)) {
				continue;
			}
			StatePath relative = path.relativize(point);
			Object current = write.value();
			for (int i = 0; i < relative.depth() && current != null; i++) {
				if (!(current instanceof Map<?, ?>)) {
					throw new StateWriteException("Cannot write " + path + ": " + path.resolve(relative.prefix(i))
							+ " would hold a leaf value, but " + point + " below it is a mount point (always a branch)");
				}
				current = ((Map<?, ?>) current).get(relative.segment(i));
			}
			if (current != null && !(current instanceof Map<?, ?>)) {
				throw new StateWriteException("Cannot write " + path + ": " + point
						+ " would hold a leaf value, but it is a mount point (always a branch)");
			}
			parts.get(mount.getValue()).add(new Write(StatePath.ROOT, current, write.payload()));
			if (rest != null) {
				rest = StateValues.setIn(rest, path, relative, null);
			}
		}
		parts.get(this.root).add(new Write(path, rest, write.payload()));
	}

	// ---- the rest of the SPI ----

	@Override
	public long revision() {
		return this.revision.get();
	}

	@Override
	public boolean isShared() {
		if (this.root.isShared()) {
			return true;
		}
		for (StateBackend backend : this.mounts.values()) {
			if (backend.isShared()) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void setBackendListener(@Nullable BackendListener listener) {
		Map<StatePath, StateBackend> mounts = this.mounts;
		if (this.root.isShared()) {
			this.root.setBackendListener((listener != null) ? new RootListener(listener) : null);
		}
		mounts.forEach((point, backend) -> {
			if (backend.isShared()) {
				backend.setBackendListener((listener != null) ? new MountListener(point, listener) : null);
			}
		});
	}

	/** Translates a mounted shared backend's changes to absolute paths. */
	private static final class MountListener implements BackendListener {

		private final StatePath point;

		private final BackendListener target;

		MountListener(StatePath point, BackendListener target) {
			this.point = point;
			this.target = target;
		}

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			List<Change> changes = new ArrayList<>(commit.changes().size());
			for (Change change : commit.changes()) {
				changes.add(new Change(this.point.resolve(change.path()), change.oldValue(), change.newValue(),
						change.payload()));
			}
			this.target.onRemoteCommit(new RemoteCommit(commit.revision(), commit.origin(), changes));
		}

		@Override
		public void onResync() {
			this.target.onResync();
		}

	}

	/** Drops a shared root backend's changes hidden by mounts, and merges mounts into changes above them. */
	private final class RootListener implements BackendListener {

		private final BackendListener target;

		RootListener(BackendListener target) {
			this.target = target;
		}

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			Map<StatePath, StateBackend> mounts = HybridBackend.this.mounts;
			List<Change> changes = new ArrayList<>(commit.changes().size());
			for (Change change : commit.changes()) {
				StatePath path = change.path();
				if (owner(path, mounts) != HybridBackend.this.root && owner(path, mounts) != null) {
					continue;
				}
				Object oldValue = change.oldValue();
				Object newValue = change.newValue();
				for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
					if (path.isAncestorOf(mount.getKey())) {
						Object mounted = mount.getValue().read(StatePath.ROOT);
						StatePath relative = path.relativize(mount.getKey());
						oldValue = graft(oldValue, path, relative, mounted);
						newValue = graft(newValue, path, relative, mounted);
					}
				}
				changes.add(new Change(path, oldValue, newValue, change.payload()));
			}
			if (!changes.isEmpty()) {
				this.target.onRemoteCommit(new RemoteCommit(commit.revision(), commit.origin(), changes));
			}
		}

		@Override
		public void onResync() {
			this.target.onResync();
		}

	}

	@Override
	public void check() {
		this.root.check();
		for (StateBackend backend : this.mounts.values()) {
			backend.check();
		}
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", "hybrid");
		description.put("root", this.root.describe());
		Map<String, Object> mounted = new LinkedHashMap<>();
		this.mounts.forEach((point, backend) -> mounted.put(point.toString(), backend.describe()));
		description.put("mounts", mounted);
		return description;
	}

	@Override
	public void flush() {
		RuntimeException failure = null;
		for (StateBackend backend : all()) {
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
		List<StateBackend> backends = all();
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

	private List<StateBackend> all() {
		List<StateBackend> backends = new ArrayList<>();
		backends.add(this.root);
		backends.addAll(this.mounts.values());
		return backends;
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
