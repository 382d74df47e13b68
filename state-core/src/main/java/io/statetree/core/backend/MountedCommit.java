package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;

/**
 * One commit through a {@link HybridBackend} (DESIGN §7, "a write spanning mounts is split"):
 * splits the writes and preconditions into one part per backend, paths relative to it
 * ({@link #split}); when the commit spans backends, checks every precondition before any part is
 * written and orders the parts ({@link #prepareSpanning}); commits the parts, root backend first,
 * then mounts in path order, naming the parts written and not written when a later one fails
 * ({@link #commitParts}); and reports the changes at the paths the caller wrote. One instance per
 * commit, under the hybrid's write lock, on one {@link Mounts} table.
 */
final class MountedCommit {

	private final Mounts mounts;

	private final CommitRequest request;

	/** The backends in the order their parts are committed. */
	private final List<StateBackend> order = new ArrayList<>();

	/** Where each backend is mounted ({@code /} for the root backend). */
	private final Map<StateBackend, StatePath> base = new LinkedHashMap<>();

	private final Map<StateBackend, List<Write>> parts = new LinkedHashMap<>();

	private final Map<StateBackend, List<Precondition>> conditions = new LinkedHashMap<>();

	/** The paths written, each with its last payload. */
	private final Map<StatePath, @Nullable Object> payloads;

	MountedCommit(Mounts mounts, CommitRequest request) {
		this.mounts = mounts;
		this.request = request;
		this.payloads = TreeChanges.lastPayloads(request.writes());
		this.order.add(mounts.root());
		this.order.addAll(mounts.points().values());
		this.base.put(mounts.root(), StatePath.ROOT);
		for (Map.Entry<StatePath, StateBackend> mount : mounts.points().entrySet()) {
			this.base.put(mount.getValue(), mount.getKey());
		}
		for (StateBackend backend : this.order) {
			this.parts.put(backend, new ArrayList<>());
			this.conditions.put(backend, new ArrayList<>());
		}
	}

	/**
	 * Commits.
	 * @return the changes at the paths written, in the order first written
	 * @throws PreconditionFailedException naming the caller's path; nothing was written
	 * @throws StateWriteException for a leaf where a mount point must be a branch; nothing was written
	 * @throws StateStorageException when a part fails after others were written, naming both
	 */
	List<Change> run() {
		split();
		if (involved() > 1) {
			prepareSpanning();
		}
		Map<StatePath, @Nullable Object> before = new LinkedHashMap<>();
		for (StatePath path : this.payloads.keySet()) {
			if (this.mounts.owner(path) == null) {
				before.put(path, MountedReads.read(this.mounts, path));
			}
		}
		Map<StatePath, Change> delegated = commitParts();
		List<Change> changes = new ArrayList<>(this.payloads.size());
		this.payloads.forEach((path, payload) -> {
			Change change = delegated.get(path);
			if (change != null) {
				changes.add(new Change(path, change.oldValue(), change.newValue(), payload));
			}
			else if (before.containsKey(path)) {
				changes.add(new Change(path, before.get(path), MountedReads.read(this.mounts, path), payload));
			}
			else {
				Object value = MountedReads.read(this.mounts, path);
				changes.add(new Change(path, value, value, payload));
			}
		});
		return changes;
	}

	/**
	 * Gives each precondition and write to the backend that owns its path. Paths spanning a mount
	 * point are owned by the hybrid: their preconditions are checked here, their writes split.
	 */
	private void split() {
		for (Precondition precondition : this.request.preconditions()) {
			StateBackend owner = this.mounts.owner(precondition.path());
			if (owner != null) {
				StatePath relative = this.base.get(owner).relativize(precondition.path());
				// an empty mount reads as absent here but as an empty branch in the mounted backend
				Object expected = (relative.isRoot() && precondition.expected() == null) ? StateValues.emptyBranch()
						: precondition.expected();
				this.conditions.get(owner).add(new Precondition(relative, expected));
			}
			else if (!StateValues.equal(MountedReads.read(this.mounts, precondition.path()), precondition.expected())) {
				throw new PreconditionFailedException(precondition.path());
			}
		}
		for (Write write : this.request.writes()) {
			split(write);
		}
	}

	/** Splits one write: the mounted subtrees of its value to their mounts, the rest to the root backend. */
	private void split(Write write) {
		StatePath path = write.path();
		Map<StatePath, StateBackend> points = this.mounts.points();
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				this.parts.get(mount.getValue())
					.add(new Write(mount.getKey().relativize(path), write.value(), write.payload()));
				return;
			}
		}
		Object rest = write.value();
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
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
			this.parts.get(mount.getValue()).add(new Write(StatePath.ROOT, current, write.payload()));
			if (rest != null) {
				rest = StateValues.setIn(rest, path, relative, null);
			}
		}
		this.parts.get(this.mounts.root()).add(new Write(path, rest, write.payload()));
	}

	/** How many backends have a part (writes or preconditions). */
	private int involved() {
		int involved = 0;
		for (StateBackend backend : this.order) {
			if (!this.parts.get(backend).isEmpty() || !this.conditions.get(backend).isEmpty()) {
				involved++;
			}
		}
		return involved;
	}

	/**
	 * Spanning backends: checks every precondition here, under the hybrid's lock, before any part
	 * is written, so a failed one cannot leave earlier parts committed; then decides which part
	 * checks its own preconditions atomically with its writes, and moves it to the front.
	 */
	private void prepareSpanning() {
		// The first part written also checks its own atomically (a shared mount may change
		// meanwhile); later parts rely on the check here.
		for (Precondition precondition : this.request.preconditions()) {
			if (this.mounts.owner(precondition.path()) != null
					&& !StateValues.equal(MountedReads.read(this.mounts, precondition.path()), precondition.expected())) {
				throw new PreconditionFailedException(precondition.path());
			}
		}
		// A shared backend (another instance may change it meanwhile) with preconditions goes
		// first and checks them itself, atomically with its part; if they fail, nothing is
		// written. Otherwise the first part written checks its own.
		StateBackend atomic = null;
		for (StateBackend backend : this.order) {
			if (backend.isShared() && !this.conditions.get(backend).isEmpty()) {
				atomic = backend;
				break;
			}
		}
		if (atomic != null) {
			// the other parts are written after it: refuse now what they would refuse then
			for (StateBackend backend : this.order) {
				if (backend != atomic && !this.parts.get(backend).isEmpty()) {
					refuseBelowLeaves(backend, this.parts.get(backend), this.base.get(backend));
				}
			}
			this.order.remove(atomic);
			this.order.add(0, atomic);
		}
		boolean first = true;
		for (StateBackend backend : this.order) {
			if (backend == atomic) {
				first = false;
			}
			else if (atomic != null || this.parts.get(backend).isEmpty() || !first) {
				this.conditions.get(backend).clear();
			}
			else {
				first = false;
			}
		}
	}

	/**
	 * Commits the parts in order.
	 * @return the changes the backends report at paths a single backend owns, by absolute path
	 */
	private Map<StatePath, Change> commitParts() {
		Map<StatePath, Change> delegated = new LinkedHashMap<>();
		List<StatePath> committed = new ArrayList<>();
		for (StateBackend backend : this.order) {
			List<Write> writes = this.parts.get(backend);
			List<Precondition> preconditions = this.conditions.get(backend);
			if (writes.isEmpty() && preconditions.isEmpty()) {
				continue;
			}
			StatePath point = this.base.get(backend);
			CommitResult result;
			try {
				result = backend.commit(new CommitRequest(writes, preconditions, this.request.origin()));
			}
			catch (RuntimeException ex) {
				throw failed(backend, point, committed, ex);
			}
			committed.add(point);
			for (Change change : result.changes()) {
				StatePath absolute = point.resolve(change.path());
				if (this.payloads.containsKey(absolute) && this.mounts.owner(absolute) != null) {
					delegated.put(absolute, change);
				}
			}
		}
		return delegated;
	}

	/**
	 * The exception for a part that failed: the backend's own (with the caller's path for a failed
	 * precondition) when nothing was written yet, otherwise one naming the parts written and not.
	 */
	private RuntimeException failed(StateBackend backend, StatePath point, List<StatePath> committed,
			RuntimeException ex) {
		if (committed.isEmpty()) {
			if (ex instanceof PreconditionFailedException failed) {
				// the mounted backend names its own path: name the one the caller gave
				return new PreconditionFailedException(point.resolve(failed.getPath()));
			}
			return ex;
		}
		List<StatePath> notWritten = new ArrayList<>();
		boolean after = false;
		for (StateBackend other : this.order) {
			after |= (other == backend);
			if (after && !this.parts.get(other).isEmpty()) {
				notWritten.add(this.base.get(other));
			}
		}
		return new StateStorageException("A commit spanning mounts was partly written: the parts for " + committed
				+ " were committed, the parts for " + notWritten + " were not, because the part for " + point
				+ " failed: " + ex.getMessage(), ex);
	}

	/**
	 * Throws the {@link StateWriteException} a backend would throw for a write below a leaf (its
	 * own value or one an earlier write of the same part puts there), without writing.
	 * @param backend the backend the part is for
	 * @param writes the part, with paths relative to the backend
	 * @param point where the backend is mounted, to name paths as the caller gave them
	 */
	private static void refuseBelowLeaves(StateBackend backend, List<Write> writes, StatePath point) {
		SnapshotStore snapshots = backend.snapshotStore();
		if (snapshots != null) {
			// the whole tree is at hand: apply the part to it, as its commit would
			StateValues.applyToRoot(snapshots.snapshot(), writes);
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

}
