package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.statetree.core.StatePath;
import io.statetree.core.Versioned;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the tree in memory: a persistent (structurally shared) immutable tree behind one atomic
 * root. Reads are lock-free and return a snapshot in O(depth) without copying; a commit copies
 * only the branches on the paths it writes and publishes the new root with a compare-and-set,
 * so readers never wait for writers. It offers the {@link SnapshotStore} capability, so a
 * controller's batch reads one snapshot and commits what it computed without applying it again.
 * While no path has a lifetime, a leaf read at an unchanged revision is answered from a small
 * table of remembered reads ({@link LeafReadMemo}) in O(1).
 * <p>
 * It keeps lifetimes ({@link ExpiringEntries}, DESIGN §12) in an immutable index held in the same
 * atomic record as the tree, so a read sees the tree and its due times at one instant: a value
 * whose time to live ran out reads as absent before its expiry commit is made. Due times are on
 * the monotonic clock ({@code System.nanoTime}). Thread-safe.
 */
public final class InMemoryBackend implements StateBackend {

	private final AtomicReference<Snapshot> state;

	private final SnapshotStore snapshots = new Snapshots();

	private final ExpiringEntries expiring = new Expiring();

	/** Leaf reads remembered per revision, used while no path has a lifetime. */
	private final LeafReadMemo leaves = new LeafReadMemo();

	/** The monotonic clock due times are read on, in nanoseconds, at most once per commit. */
	private final CommitClock clock;

	/**
	 * Creates an empty backend.
	 */
	public InMemoryBackend() {
		this(System::nanoTime);
	}

	/** Creates an empty backend reading time from the given clock (tests run it in virtual time). */
	InMemoryBackend(LongSupplier nanoClock) {
		this.clock = new CommitClock(nanoClock);
		this.state = new AtomicReference<>(new Snapshot(Branch.EMPTY, 0, ExpiryIndex.EMPTY));
	}

	/** The tree, its revision and the lifetimes of its paths, published together. */
	private record Snapshot(Map<String, Object> root, long revision, ExpiryIndex expiry) {

		Snapshot withExpiry(ExpiryIndex next) {
			return new Snapshot(this.root, this.revision, next);
		}

	}

	@Override
	public @Nullable Object read(StatePath path) {
		Snapshot current = this.state.get();
		if (!current.expiry().isEmpty()) {
			return visible(current, path, StateValues.getIn(current.root(), path));
		}
		// no lifetimes: what a path holds depends on the revision alone
		Object remembered = this.leaves.get(path, current.revision());
		if (remembered != LeafReadMemo.NONE) {
			return remembered;
		}
		Object value = StateValues.getIn(current.root(), path);
		this.leaves.put(path, current.revision(), value);
		return value;
	}

	/** A value read from a snapshot with lifetimes, without what is due (the clock is read only then). */
	private @Nullable Object visible(Snapshot snapshot, StatePath path, @Nullable Object value) {
		long next = snapshot.expiry().nextDue();
		if (next == ExpiryIndex.NONE || value == null) {
			return value;
		}
		long now = this.clock.now();
		return (next > now) ? value : snapshot.expiry().withoutDue(path, value, now);
	}

	/** Reads a value and the revision it reflects from one snapshot, without a lock. */
	@Override
	public Versioned<@Nullable Object> readVersioned(StatePath path) {
		Snapshot current = this.state.get();
		Object value = StateValues.getIn(current.root(), path);
		return new Versioned<>(current.expiry().isEmpty() ? value : visible(current, path, value),
				current.revision());
	}

	/**
	 * Returns the whole tree as one snapshot, without the values that are due.
	 * @return the root branch
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> root() {
		Snapshot current = this.state.get();
		if (current.expiry().isEmpty()) {
			return current.root();
		}
		Object visible = visible(current, StatePath.ROOT, current.root());
		return (visible != null) ? (Map<String, Object>) visible : Branch.EMPTY;
	}

	/**
	 * The time a lifetime write counts from: the reading the due check before this commit lent,
	 * else the clock; read only for a time to live.
	 */
	private long startOf(Write write) {
		Lifetime lifetime = write.lifetime();
		return (lifetime != null && lifetime.ttl() != null) ? this.clock.forCommit() : 0;
	}

	/** The lifetimes after a commit's writes, applied in order, their times to live from one reading. */
	private ExpiryIndex lifetimesAfter(ExpiryIndex index, List<Write> writes) {
		ExpiryIndex next = index;
		boolean started = false;
		long start = 0;
		for (Write write : writes) {
			if (!next.isEmpty() || write.lifetime() != null) {
				if (!started && write.lifetime() != null && write.lifetime().ttl() != null) {
					start = startOf(write);
					started = true;
				}
				next = next.apply(write, start);
			}
		}
		return next;
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
			ExpiryIndex lifetimes = lifetimesAfter(current.expiry(), writes);
			if (StateValues.unchanged(changes)) {
				// no revision, but the writes' lifetimes apply (a rewrite with a time to live restarts it)
				if (lifetimes == current.expiry() || this.state.compareAndSet(current, current.withExpiry(lifetimes))) {
					return new CommitResult(current.revision(), changes);
				}
				continue;
			}
			Snapshot next = new Snapshot(after, current.revision() + 1, lifetimes);
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
			ExpiryIndex index = current.expiry();
			// the one check a plain write makes when no lifetime exists anywhere
			ExpiryIndex lifetimes = (index.isEmpty() && write.lifetime() == null) ? index
					: index.apply(write, startOf(write));
			Object updated = StateValues.setIn(current.root(), StatePath.ROOT, path, value, previous);
			if (updated == current.root()) {
				// nothing changed (e.g. a delete of an absent path, or below a leaf): report what is there
				if (lifetimes != index && !this.state.compareAndSet(current, current.withExpiry(lifetimes))) {
					continue;
				}
				Object there = StateValues.getIn(current.root(), path);
				return new CommitResult(current.revision(), List.of(new Change(path, there, there, write.payload())));
			}
			Object old = previous[0];
			Object now = (path.isRoot() && value == null) ? StateValues.emptyBranch() : value;
			List<Change> changes = List.of(new Change(path, old, now, write.payload()));
			if (StateValues.equal(old, now)) {
				// an equal value makes no revision, but its lifetime applies
				if (lifetimes != index && !this.state.compareAndSet(current, current.withExpiry(lifetimes))) {
					continue;
				}
				return new CommitResult(current.revision(), changes);
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> root = (updated != null) ? (Map<String, Object>) updated : Branch.EMPTY;
			Snapshot next = new Snapshot(root, current.revision() + 1, lifetimes);
			if (this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
		}
	}

	@Override
	public SnapshotStore snapshotStore() {
		return this.snapshots;
	}

	@Override
	public ExpiringEntries expiringEntries() {
		return this.expiring;
	}

	/** The snapshot capability: the root as is, and commits of writes already applied to it. */
	private final class Snapshots implements SnapshotStore {

		@Override
		public Map<String, Object> snapshot() {
			return root();
		}

		@Override
		public CommitResult commit(CommitRequest request, Map<String, Object> base, Map<String, Object> applied) {
			return commit(request, base, applied, null);
		}

		@Override
		public CommitResult commit(CommitRequest request, Map<String, Object> base, Map<String, Object> applied,
				@Nullable List<Change> recorded) {
			Snapshot current = InMemoryBackend.this.state.get();
			if (current.root() != base) {
				return InMemoryBackend.this.commit(request);
			}
			checkPreconditions(request, base);
			// the caller's record of the changes, when it kept one, instead of a second walk of both roots
			List<Change> changes = (recorded != null) ? recorded
					: StateValues.changes(base, applied, request.writes());
			ExpiryIndex lifetimes = lifetimesAfter(current.expiry(), request.writes());
			if (StateValues.unchanged(changes)) {
				if (lifetimes == current.expiry()
						|| InMemoryBackend.this.state.compareAndSet(current, current.withExpiry(lifetimes))) {
					return new CommitResult(current.revision(), changes);
				}
				return InMemoryBackend.this.commit(request);
			}
			Snapshot next = new Snapshot(applied, current.revision() + 1, lifetimes);
			if (InMemoryBackend.this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
			return InMemoryBackend.this.commit(request);
		}

	}

	/** The lifetime capability, read from one snapshot per call. */
	private final class Expiring implements ExpiringEntries {

		@Override
		public @Nullable Duration timeToLive(StatePath path) {
			Snapshot current = InMemoryBackend.this.state.get();
			ExpiryIndex index = current.expiry();
			if (index.nextDue() == ExpiryIndex.NONE) {
				return null;
			}
			long now = InMemoryBackend.this.clock.now();
			long left = index.remaining(path, now);
			if (left == ExpiryIndex.NONE || left <= 0 || StateValues.getIn(current.root(), path) == null) {
				return null;
			}
			return Duration.ofNanos(Math.max(left, 1_000_000));
		}

		@Override
		public long nanosUntilNextDue() {
			ExpiryIndex index = InMemoryBackend.this.state.get().expiry();
			return (index.nextDue() == ExpiryIndex.NONE) ? Long.MAX_VALUE
					: index.nanosUntilNextDue(InMemoryBackend.this.clock.now());
		}

		/** Lends its clock reading to the commit that follows on this thread (when it reads one). */
		@Override
		public long nanosUntilNextDueBeforeCommit() {
			ExpiryIndex index = InMemoryBackend.this.state.get().expiry();
			return (index.nextDue() == ExpiryIndex.NONE) ? Long.MAX_VALUE
					: index.nanosUntilNextDue(InMemoryBackend.this.clock.lend());
		}

		@Override
		public void commitEnded() {
			InMemoryBackend.this.clock.release();
		}

		@Override
		public List<StatePath> due() {
			ExpiryIndex index = InMemoryBackend.this.state.get().expiry();
			return (index.nextDue() == ExpiryIndex.NONE) ? List.of()
					: index.due(InMemoryBackend.this.clock.now());
		}

		@Override
		public List<StatePath> ephemeral(String owner) {
			return InMemoryBackend.this.state.get().expiry().ephemeral(owner);
		}

		@Override
		public @Nullable Object withoutDue(StatePath path, @Nullable Object value) {
			ExpiryIndex index = InMemoryBackend.this.state.get().expiry();
			return (index.nextDue() == ExpiryIndex.NONE) ? value
					: index.withoutDue(path, value, InMemoryBackend.this.clock.now());
		}

		@Override
		public Map<StatePath, Lifetime> lifetimes() {
			return InMemoryBackend.this.state.get().expiry().lifetimes(InMemoryBackend.this.clock.now());
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
