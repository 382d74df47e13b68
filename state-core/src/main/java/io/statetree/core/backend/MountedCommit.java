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
 * splits the writes and preconditions into one part per backend, paths relative to it, refusing
 * a leaf at a mount point or on the way to one ({@link #split}); when the commit spans backends,
 * checks every precondition, orders the parts, and has every backend but the first written check
 * its part ({@link StateBackend#checkCommit}), all before any part is written
 * ({@link #prepareSpanning}); commits the parts ({@link #commitParts}), and when a later one
 * still fails (storage, or a shared backend changed meanwhile) takes back the parts written
 * ({@link #takeBack}), or, when even that fails, names the parts written and not written;
 * and reports the changes at the paths the caller wrote, an empty mount as {@code {}} or absent
 * by its marker, as reads show it ({@link MountMarkers}: the root backend's part creates or
 * deletes a mount point's marker where the writes create or delete the mount point). One
 * instance per commit, under the hybrid's write lock, on one {@link Mounts} table.
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

	/**
	 * Spanning commits: for each backend, the shallowest strict ancestors of its written paths
	 * that were absent before the commit (taking its part back deletes them).
	 */
	private final Map<StateBackend, List<StatePath>> created = new LinkedHashMap<>();

	/** The paths written, each with its last payload. */
	private final Map<StatePath, @Nullable Object> payloads;

	/** Whether each mount point touched exists while its mount is empty, before and after. */
	private final MountMarkers markers;

	/** Whether the caller's writes change nothing ({@link #changesNothing}), once asked. */
	private @Nullable Boolean nothing;

	MountedCommit(Mounts mounts, CommitRequest request) {
		this.mounts = mounts;
		this.request = request;
		this.payloads = TreeChanges.lastPayloads(request.writes());
		this.markers = new MountMarkers(mounts.root());
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
	 * Refuses the commit, writing nothing, if {@link #run} would refuse it now: the mount rule,
	 * the preconditions, and every backend's own checks of its part.
	 * @throws PreconditionFailedException naming the caller's path
	 * @throws StateWriteException naming the path and the reason
	 */
	void check() {
		split();
		for (StateBackend backend : this.order) {
			checkPart(backend);
		}
	}

	/**
	 * Commits.
	 * @return the changes at the paths written, in the order first written
	 * @throws PreconditionFailedException naming the caller's path; nothing was written
	 * @throws StateWriteException for a leaf where a mount point must be a branch, or a write a
	 * backend refuses; nothing was written
	 * @throws StateStorageException when a part fails after others were written, naming both
	 */
	List<Change> run() {
		split();
		// the in-memory backend writes nothing for a commit that leaves every path it writes as it
		// was (not even the branches its writes created on the way): no marker may make an absent
		// mount point exist either (one whose mount holds data reads the same with it). The marker
		// writes stay, since one may create again on the way a branch an earlier write deleted; a
		// point they leave present is deleted last, so the root backend's part, too, leaves every
		// path it writes as it was and writes nothing
		List<Write> root = this.parts.get(this.mounts.root());
		for (StatePath point : this.markers.touched()) {
			if (this.markers.after(point) && !this.markers.before(point)
					&& this.mounts.points().get(point).childNames(StatePath.ROOT).isEmpty() && changesNothing()) {
				root.add(new Write(point, null, null, null));
				this.markers.forget(point);
			}
		}
		keepCreatedBranches();
		if (involved() > 1) {
			prepareSpanning();
			noteCreated();
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
				Object expected = precondition.expected();
				if (relative.isRoot() && MountedReads.isEmpty(expected)) {
					// an empty mount reads as {} or absent by its marker (MountMarkers), checked here;
					// the mounted backend checks that its tree is empty
					if (!StateValues.equal(MountedReads.read(this.mounts, precondition.path()), expected)) {
						throw new PreconditionFailedException(precondition.path());
					}
					expected = StateValues.emptyBranch();
				}
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
		MountedLifetimes.refuse(this.mounts, write);
		StatePath path = write.path();
		Map<StatePath, StateBackend> points = this.mounts.points();
		for (Map.Entry<StatePath, StateBackend> mount : points.entrySet()) {
			if (mount.getKey().isAncestorOrSelf(path)) {
				Object value = write.value();
				if (mount.getKey().equals(path) && value != null && !StateValues.isBranch(value)) {
					throw new StateWriteException("Cannot write " + TreeEdits.describe(value) + " at " + path
							+ ": it is a mount point, always a branch");
				}
				Write marker = this.markers.below(mount.getKey(), write);
				if (marker != null) {
					this.parts.get(this.mounts.root()).add(marker);
				}
				this.parts.get(mount.getValue())
					.add(new Write(mount.getKey().relativize(path), write.value(), write.payload(), write.lifetime()));
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
			this.parts.get(mount.getValue()).add(new Write(StatePath.ROOT, current, write.payload(), write.lifetime()));
			this.markers.above(point, current);
			if (rest != null) {
				// the root backend keeps the mount point's marker where the value has it (MountMarkers)
				rest = StateValues.setIn(rest, path, relative, (current != null) ? StateValues.emptyBranch() : null);
			}
		}
		this.parts.get(this.mounts.root()).add(new Write(path, rest, write.payload(), write.lifetime()));
	}

	/**
	 * Whether the caller's writes leave every path they write as it reads now, as a backend judges
	 * a commit that changes nothing ({@link CreatedBranches#changesNothing}); read once, and only
	 * when a marker or a part that changes nothing in its own backend makes it matter.
	 */
	private boolean changesNothing() {
		Boolean nothing = this.nothing;
		if (nothing == null) {
			nothing = CreatedBranches.changesNothing((path) -> MountedReads.read(this.mounts, path),
					(path) -> MountedReads.childNames(this.mounts, path), this.request.writes());
			this.nothing = nothing;
		}
		return nothing;
	}

	/**
	 * A part that changes nothing in its own backend, of a commit that changes something, keeps the
	 * branches its writes created on the way, as the in-memory backend does for the whole commit
	 * ({@link CreatedBranches#keptBy}).
	 */
	private void keepCreatedBranches() {
		for (StateBackend backend : this.order) {
			List<Write> part = this.parts.get(backend);
			List<Write> kept = CreatedBranches.keptBy(backend, part);
			if (!kept.isEmpty() && !changesNothing()) {
				part.addAll(kept);
			}
		}
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
	 * checks its own preconditions atomically with its writes, and moves it to the front; then has
	 * the backend of every later part check it ({@link StateBackend#checkCommit}), so that what it
	 * would refuse is refused before the first part is written.
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
		// every part written after the first is refused now if its backend would refuse it then
		boolean written = false;
		for (StateBackend backend : this.order) {
			if (this.parts.get(backend).isEmpty() && this.conditions.get(backend).isEmpty()) {
				continue;
			}
			if (written) {
				checkPart(backend);
			}
			written = true;
		}
	}

	/** Has a backend refuse its part now, if it would refuse it when committed; writes nothing. */
	private void checkPart(StateBackend backend) {
		List<Write> writes = this.parts.get(backend);
		List<Precondition> preconditions = this.conditions.get(backend);
		if (writes.isEmpty() && preconditions.isEmpty()) {
			return;
		}
		try {
			backend.checkCommit(part(writes, preconditions));
		}
		catch (RuntimeException ex) {
			throw refused(this.base.get(backend), ex);
		}
	}

	/**
	 * One backend's part, with the caller's origin and expiry flag (a mount's history records it) and
	 * cascade depth (a shared mount hands it to the other instances).
	 */
	private CommitRequest part(List<Write> writes, List<Precondition> preconditions) {
		return new CommitRequest(writes, preconditions, this.request.origin(), null, 0, this.request.expiry(),
				this.request.depth());
	}

	/**
	 * Commits the parts in order.
	 * @return the changes the backends report at paths a single backend owns, by absolute path
	 */
	private Map<StatePath, Change> commitParts() {
		Map<StatePath, Change> delegated = new LinkedHashMap<>();
		List<StatePath> committed = new ArrayList<>();
		Map<StateBackend, List<Change>> written = new LinkedHashMap<>();
		for (StateBackend backend : this.order) {
			List<Write> writes = this.parts.get(backend);
			List<Precondition> preconditions = this.conditions.get(backend);
			if (writes.isEmpty() && preconditions.isEmpty()) {
				continue;
			}
			StatePath point = this.base.get(backend);
			CommitResult result;
			try {
				result = backend.commit(part(writes, preconditions));
			}
			catch (RuntimeException ex) {
				if (!committed.isEmpty() && takeBack(written, ex)) {
					throw refused(point, ex);
				}
				throw failed(backend, point, committed, ex);
			}
			committed.add(point);
			written.put(backend, result.changes());
			for (Change change : result.changes()) {
				StatePath absolute = point.resolve(change.path());
				if (this.payloads.containsKey(absolute) && this.mounts.owner(absolute) == backend) {
					delegated.put(absolute, atMountPoint(backend, point, change));
				}
			}
		}
		return delegated;
	}

	/** Notes, for each part, the ancestors its writes create (see {@link #created}); reads names only. */
	private void noteCreated() {
		for (StateBackend backend : this.order) {
			List<StatePath> tops = new ArrayList<>();
			for (Write write : this.parts.get(backend)) {
				StatePath path = write.path();
				for (int j = 1; write.value() != null && j < path.depth(); j++) {
					if (!backend.childNames(path.prefix(j - 1)).contains(path.segment(j - 1))) {
						tops.add(path.prefix(j));
						break;
					}
				}
			}
			this.created.put(backend, tops);
		}
	}

	/**
	 * After a later part failed, writes back the values the parts written replaced at their
	 * outermost written paths ({@link #outermost}), newest part first (and deleting the branches
	 * it created on the way), each only where its backend still
	 * holds what the part wrote (a shared backend may have changed meanwhile), so the failed call leaves no part of its commit behind (the
	 * backends' listeners and histories see the part and its taking back).
	 * @return whether every part was taken back (otherwise the failure names the parts written)
	 */
	private boolean takeBack(Map<StateBackend, List<Change>> written, RuntimeException failure) {
		List<StateBackend> backends = new ArrayList<>(written.keySet());
		for (int i = backends.size() - 1; i >= 0; i--) {
			StateBackend backend = backends.get(i);
			List<Change> outermost = outermost(written.get(backend));
			List<Write> writes = new ArrayList<>();
			List<Precondition> preconditions = new ArrayList<>();
			for (Change change : outermost) {
				writes.add(Write.of(change.path(), change.oldValue()));
				preconditions.add(new Precondition(change.path(), change.newValue()));
			}
			for (StatePath top : this.created.getOrDefault(backend, List.of())) {
				if (!covered(outermost, top)) {
					writes.add(Write.of(top, null)); // a branch the part created on the way to its path
				}
			}
			if (writes.isEmpty()) {
				continue;
			}
			try {
				backend.commit(new CommitRequest(writes, preconditions, this.request.origin(), null, 0,
						this.request.expiry(), this.request.depth()));
			}
			catch (RuntimeException ex) {
				failure.addSuppressed(ex);
				return false;
			}
			written.remove(backend);
		}
		return true;
	}

	/**
	 * The changes at written paths with no other written path above them. Taking a part back
	 * restores only these: their values before hold the inner paths' too, and an inner path's
	 * value restored first could lie below a leaf the commit left above it (a write of
	 * {@code /a/b} then of {@code /a} or {@code /} as a leaf), which the backend refuses.
	 */
	private static List<Change> outermost(List<Change> changes) {
		List<Change> outer = new ArrayList<>(changes.size());
		for (Change change : changes) {
			boolean inner = false;
			for (Change other : changes) {
				inner |= other.path().isAncestorOf(change.path());
			}
			if (!inner) {
				outer.add(change);
			}
		}
		return outer;
	}

	/** Whether a path is at or below one of the changes' paths (restoring those restores it). */
	private static boolean covered(List<Change> changes, StatePath path) {
		for (Change change : changes) {
			if (change.path().isAncestorOrSelf(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The exception for a part that failed: the backend's own (with the caller's path for a failed
	 * precondition) when nothing was written yet, otherwise one naming the parts written and not.
	 */
	private RuntimeException failed(StateBackend backend, StatePath point, List<StatePath> committed,
			RuntimeException ex) {
		if (committed.isEmpty()) {
			return refused(point, ex);
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
	 * A backend's refusal as the caller sees it: a failed precondition names the caller's path; a
	 * mounted backend's refusal of a write says where it is mounted (it names paths relative to
	 * its mount point); anything else is passed on.
	 */
	private static RuntimeException refused(StatePath point, RuntimeException ex) {
		if (ex instanceof PreconditionFailedException failed) {
			return new PreconditionFailedException(point.resolve(failed.getPath()));
		}
		if (ex instanceof StateWriteException && !point.isRoot()) {
			return new StateWriteException("Cannot write below the mount point " + point + ", whose backend refuses"
					+ " (its paths are relative to " + point + "): " + ex.getMessage(), ex);
		}
		return ex;
	}

	/**
	 * A mounted backend's change at its own root reports an empty tree as a read of the mount
	 * point shows it ({@link MountedReads#read}): {@code {}} or absent by its marker before and
	 * after the commit ({@link MountMarkers}); other changes pass unchanged.
	 */
	private Change atMountPoint(StateBackend backend, StatePath point, Change change) {
		if (backend == this.mounts.root() || !change.path().isRoot()) {
			return change;
		}
		return this.markers.atPoint(point, change);
	}

}
