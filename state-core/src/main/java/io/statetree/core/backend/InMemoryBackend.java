package io.statetree.core.backend;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StatePath;
import io.statetree.core.Versioned;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the tree in memory: a persistent (structurally shared) immutable tree behind one atomic
 * root. Reads are lock-free and return a snapshot in O(depth) without copying; a commit copies
 * only the branches on the paths it writes and publishes the new root with a compare-and-set,
 * so readers never wait for writers. It offers the {@link SnapshotStore} capability, so a
 * controller's batch reads one snapshot and commits what it computed without applying it again.
 * Thread-safe.
 */
public final class InMemoryBackend implements StateBackend {

	private final AtomicReference<Snapshot> state;

	private final SnapshotStore snapshots = new Snapshots();

	/**
	 * Creates an empty backend.
	 */
	public InMemoryBackend() {
		this.state = new AtomicReference<>(new Snapshot(Branch.EMPTY, 0));
	}

	private record Snapshot(Map<String, Object> root, long revision) {
	}

	@Override
	public @Nullable Object read(StatePath path) {
		return StateValues.getIn(this.state.get().root(), path);
	}

	/** Reads a value and the revision it reflects from one snapshot, without a lock. */
	@Override
	public Versioned<@Nullable Object> readVersioned(StatePath path) {
		Snapshot current = this.state.get();
		return new Versioned<>(StateValues.getIn(current.root(), path), current.revision());
	}

	/**
	 * Returns the whole tree as one snapshot.
	 * @return the root branch
	 */
	public Map<String, Object> root() {
		return this.state.get().root();
	}

	@Override
	public CommitResult commit(CommitRequest request) {
		List<Write> writes = request.writes();
		if (writes.size() == 1 && request.preconditions().isEmpty()) {
			return commitOne(writes.get(0));
		}
		while (true) {
			Snapshot current = this.state.get();
			checkPreconditions(request, current.root());
			Map<String, Object> after = StateValues.applyToRoot(current.root(), writes);
			List<Change> changes = StateValues.changes(current.root(), after, writes);
			if (StateValues.unchanged(changes)) {
				return new CommitResult(current.revision(), changes);
			}
			Snapshot next = new Snapshot(after, current.revision() + 1);
			if (this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
		}
	}

	private static void checkPreconditions(CommitRequest request, Map<String, Object> root) {
		for (Precondition precondition : request.preconditions()) {
			if (!StateValues.equal(StateValues.getIn(root, precondition.path()), precondition.expected())) {
				throw new PreconditionFailedException(precondition.path());
			}
		}
	}

	/** The common case: one write, found and replaced in a single walk down the tree. */
	private CommitResult commitOne(Write write) {
		StatePath path = write.path();
		Object value = write.value();
		if (path.isRoot() && value != null && !StateValues.isBranch(value)) {
			StateValues.applyToRoot(StateValues.emptyBranch(), List.of(write));
		}
		Object[] previous = new Object[1];
		while (true) {
			Snapshot current = this.state.get();
			Object updated = StateValues.setIn(current.root(), StatePath.ROOT, path, value, previous);
			if (updated == current.root()) {
				// nothing changed (e.g. a delete of an absent path, or below a leaf): report what is there
				Object there = StateValues.getIn(current.root(), path);
				return new CommitResult(current.revision(), List.of(new Change(path, there, there, write.payload())));
			}
			Object old = previous[0];
			Object now = (path.isRoot() && value == null) ? StateValues.emptyBranch() : value;
			List<Change> changes = List.of(new Change(path, old, now, write.payload()));
			if (StateValues.equal(old, now)) {
				return new CommitResult(current.revision(), changes);
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> root = (updated != null) ? (Map<String, Object>) updated : Branch.EMPTY;
			Snapshot next = new Snapshot(root, current.revision() + 1);
			if (this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
		}
	}

	@Override
	public SnapshotStore snapshotStore() {
		return this.snapshots;
	}

	/** The snapshot capability: the root as is, and commits of writes already applied to it. */
	private final class Snapshots implements SnapshotStore {

		@Override
		public Map<String, Object> snapshot() {
			return root();
		}

		@Override
		public CommitResult commit(CommitRequest request, Map<String, Object> base, Map<String, Object> applied) {
			Snapshot current = InMemoryBackend.this.state.get();
			if (current.root() != base) {
				return InMemoryBackend.this.commit(request);
			}
			checkPreconditions(request, base);
			List<Change> changes = StateValues.changes(base, applied, request.writes());
			if (StateValues.unchanged(changes)) {
				return new CommitResult(current.revision(), changes);
			}
			Snapshot next = new Snapshot(applied, current.revision() + 1);
			if (InMemoryBackend.this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
			return InMemoryBackend.this.commit(request);
		}

	}

	@Override
	public long revision() {
		return this.state.get().revision();
	}

	@Override
	public Map<String, Object> describe() {
		return Map.of("type", "memory");
	}

}
