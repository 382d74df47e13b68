package io.statetree.core.backend;

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
 * It keeps lifetimes ({@link ExpiringEntries}, DESIGN §12) in the same atomic record as the tree:
 * a time to live below the root as a due time in the slot of its leaf or branch, so a write with
 * one copies one path ({@link TreeDues}), found for the sweeper by hints checked against the tree
 * ({@link DueHints}); the root's lifetime and ephemeral ones in an immutable index
 * ({@link ExpiryIndex}); the capability itself is {@link MemoryLifetimes}. So a read sees the
 * tree and its due times at one instant: a value whose time to live ran out reads as absent
 * before its expiry commit is made. Due times are on the monotonic clock
 * ({@code System.nanoTime}). Thread-safe.
 */
public final class InMemoryBackend implements StateBackend {

	private final AtomicReference<Snapshot> state;

	private final SnapshotStore snapshots = new Snapshots();

	private final ExpiringEntries expiring;

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
		this.state = new AtomicReference<>(new Snapshot(Branch.EMPTY, 0, ExpiryIndex.EMPTY, DueHints.EMPTY));
		this.expiring = new MemoryLifetimes(this, this.state, this.clock);
	}

	/**
	 * The tree, its revision and the lifetimes of its paths, published together: the due times of
	 * times to live below the root in the tree's slots ({@link TreeDues}) with the hints that find
	 * them ({@link DueHints}), the root's lifetime and every ephemeral one in the index.
	 */
	record Snapshot(Map<String, Object> root, long revision, ExpiryIndex expiry, DueHints hints) {

		boolean hasLifetimes() {
			return !this.expiry.isEmpty() || !this.hints.isEmpty();
		}

		/** A lower bound of every due time, read without a check. */
		long nextDue() {
			return Math.min(this.expiry.nextDue(), this.hints.bound());
		}

		Snapshot withHints(DueHints next) {
			return new Snapshot(this.root, this.revision, this.expiry, next);
		}

	}

	@Override
	public @Nullable Object read(StatePath path) {
		Snapshot current = this.state.get();
		if (current.hasLifetimes()) {
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

	/**
	 * Reads a path as stored, values past their due time included (for a write-behind cache,
	 * which hides what is due by its own due times: {@link CachingBackend}).
	 */
	@Nullable Object readStored(StatePath path) {
		return StateValues.getIn(this.state.get().root(), path);
	}

	/** A value read from a snapshot with lifetimes, without what is due (the clock is read only then). */
	private @Nullable Object visible(Snapshot snapshot, StatePath path, @Nullable Object value) {
		if (value == null) {
			return null;
		}
		long next = snapshot.nextDue();
		if (next == ExpiryIndex.NONE) {
			return value;
		}
		long now = this.clock.now();
		return (next > now) ? value : withoutDue(snapshot, path, value, now);
	}

	/** A value read at a path of a snapshot, without what is due at a time. */
	@Nullable Object withoutDue(Snapshot snapshot, StatePath path, @Nullable Object value, long now) {
		Object result = snapshot.expiry().isEmpty() ? value : snapshot.expiry().withoutDue(path, value, now);
		DueHints hints = snapshot.hints();
		if (result == null || hints.bound() > now) {
			return result;
		}
		if (TreeDues.dueAlong(snapshot.root(), path) <= now) {
			return null;
		}
		if (!(result instanceof Map<?, ?>)) {
			return result;
		}
		for (StatePath at : exactHints(snapshot, now).dueAt(snapshot.root(), now)) {
			if (path.isAncestorOf(at)) {
				result = TreeEdits.setIn(result, path, path.relativize(at), 0, null, null);
			}
		}
		return result;
	}

	/**
	 * The snapshot's hints made exact at a time ({@link DueHints#settle}), published with it when
	 * the snapshot is still the current one (the next check starts from there).
	 */
	DueHints exactHints(Snapshot snapshot, long now) {
		DueHints hints = snapshot.hints();
		DueHints exact = hints.settle(snapshot.root(), now);
		if (exact != hints) {
			this.state.compareAndSet(snapshot, snapshot.withHints(exact));
		}
		return exact;
	}

	/** Reads a value and the revision it reflects from one snapshot, without a lock. */
	@Override
	public Versioned<@Nullable Object> readVersioned(StatePath path) {
		Snapshot current = this.state.get();
		Object value = StateValues.getIn(current.root(), path);
		return new Versioned<>(current.hasLifetimes() ? visible(current, path, value) : value, current.revision());
	}

	/**
	 * Returns the whole tree as one snapshot, without the values that are due.
	 * @return the root branch
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> root() {
		Snapshot current = this.state.get();
		if (!current.hasLifetimes()) {
			return current.root();
		}
		Object visible = visible(current, StatePath.ROOT, current.root());
		return (visible != null) ? (Map<String, Object>) visible : Branch.EMPTY;
	}

	/**
	 * Whether writes touch no lifetime of a snapshot that keeps none: none has a lifetime and no
	 * value carries due times in its slots (a branch read from a tree).
	 */
	private static boolean plain(Snapshot current, List<Write> writes) {
		if (current.hasLifetimes()) {
			return false;
		}
		for (int i = 0, n = writes.size(); i < n; i++) {
			Write write = writes.get(i);
			if (write.lifetime() != null || TreeDues.strip(write.value()) != write.value()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Writes applied with their lifetimes, in order, on one snapshot: the tree with its slots' due
	 * times, the index and the hints; the times to live count from one clock reading. A local
	 * accumulator of one commit attempt, never shared.
	 */
	private final class Apply {

		Object root;

		ExpiryIndex index;

		DueHints hints;

		/** Whether a slot's due time was set or replaced (an equal value then still changes the tree). */
		boolean slotsChanged;

		private boolean started;

		private long start;

		Apply(Snapshot current) {
			this.root = current.root();
			this.index = current.expiry();
			this.hints = current.hints();
		}

		/** Applies one write; its old value and raw slot go to {@code previous}. */
		void write(Write write, @Nullable Object[] previous) {
			StatePath path = write.path();
			Object value = TreeDues.strip(write.value());
			if (path.isRoot() && value != null && !StateValues.isBranch(value)) {
				StateValues.applyToRoot(StateValues.emptyBranch(), List.of(write)); // throws, naming the write
			}
			Lifetime lifetime = write.lifetime();
			boolean ttl = lifetime != null && lifetime.ttl() != null;
			if (ttl && !this.started) {
				this.start = startOf(write);
				this.started = true;
			}
			boolean slotTtl = ttl && !path.isRoot() && value != null;
			if (!this.index.isEmpty() || (lifetime != null && !slotTtl)) {
				this.index = slotTtl ? this.index.clear(path) : this.index.apply(write, this.start);
			}
			long due = slotTtl ? this.start + saturatedNanos(lifetime.ttl())
					: (lifetime != null && lifetime.isKeep()) ? TreeDues.KEEP : TreeDues.NONE;
			previous[1] = null;
			Object updated = TreeDues.setIn(this.root, path, value, due, previous);
			this.root = (updated != null) ? updated : Branch.EMPTY;
			boolean hadDue = previous[1] instanceof DueValue;
			// an equal value still replaces the due times in and below its slot
			this.slotsChanged |= slotTtl || hadDue || (previous[0] instanceof Branch old && old.isTimed());
			if (slotTtl) {
				this.hints = this.hints.written(path, due, hadDue);
			}
		}

		/** Tidies the hints when they grew past their bound, against the tree written. */
		void finish() {
			if (this.hints.needsTidy()) {
				this.hints = this.hints.tidy(this.root);
			}
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> tree() {
			return (Map<String, Object>) this.root;
		}

	}

	private static long saturatedNanos(java.time.Duration ttl) {
		try {
			return ttl.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE / 4;
		}
	}

	/**
	 * The time a lifetime write counts from: the reading the due check before this commit lent,
	 * else the clock; read only for a time to live.
	 */
	private long startOf(Write write) {
		Lifetime lifetime = write.lifetime();
		return (lifetime != null && lifetime.ttl() != null) ? this.clock.forCommit() : 0;
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
			if (plain(current, writes)) {
				Map<String, Object> after = StateValues.applyToRoot(current.root(), writes);
				List<Change> changes = StateValues.changes(current.root(), after, writes);
				if (StateValues.unchanged(changes)) {
					return new CommitResult(current.revision(), changes);
				}
				Snapshot next = new Snapshot(after, current.revision() + 1, current.expiry(), current.hints());
				if (this.state.compareAndSet(current, next)) {
					return new CommitResult(next.revision(), changes);
				}
				continue;
			}
			Apply apply = new Apply(current);
			Object[] previous = new Object[2];
			for (Write write : writes) {
				apply.write(write, previous);
			}
			apply.finish();
			Map<String, Object> after = apply.tree();
			List<Change> changes = StateValues.changes(current.root(), after, writes);
			if (StateValues.unchanged(changes)) {
				// no revision, but the writes' lifetimes apply (a rewrite with a time to live restarts it)
				Snapshot next = new Snapshot(keptTree(current, apply, writes), current.revision(), apply.index,
						apply.hints);
				if (same(current, next) || this.state.compareAndSet(current, next)) {
					return new CommitResult(current.revision(), changes);
				}
				continue;
			}
			Snapshot next = new Snapshot(after, current.revision() + 1, apply.index, apply.hints);
			if (this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
		}
	}

	/**
	 * The tree a commit that changed no value publishes: the one before it, with the due times its
	 * writes set ({@link TreeDues#keepValues}), so one revision is one tree.
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> keptTree(Snapshot current, Apply apply, List<Write> writes) {
		return apply.slotsChanged ? (Map<String, Object>) TreeDues.keepValues(current.root(), apply.root, writes)
				: current.root();
	}

	/** Whether a snapshot made without a revision holds what the current one does. */
	private static boolean same(Snapshot current, Snapshot next) {
		return next.root() == current.root() && next.expiry() == current.expiry() && next.hints() == current.hints();
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
		Object[] previous = new Object[2];
		while (true) {
			Snapshot current = this.state.get();
			if (current.hasLifetimes() || write.lifetime() != null || TreeDues.strip(value) != value) {
				CommitResult result = commitOneWithLifetimes(write, current, previous);
				if (result != null) {
					return result;
				}
				continue;
			}
			// the one check a plain write makes when no lifetime exists anywhere
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
			Snapshot next = new Snapshot(root, current.revision() + 1, current.expiry(), current.hints());
			if (this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
		}
	}

	/** {@link #commitOne} where lifetimes are kept or written: {@code null} when the snapshot moved on. */
	private @Nullable CommitResult commitOneWithLifetimes(Write write, Snapshot current, @Nullable Object[] previous) {
		StatePath path = write.path();
		Apply apply = new Apply(current);
		apply.write(write, previous);
		apply.finish();
		Object updated = apply.root;
		if (updated == current.root()) {
			// nothing changed (e.g. a delete of an absent path, or below a leaf): report what is there
			if ((apply.index != current.expiry() || apply.hints != current.hints()) && !this.state
				.compareAndSet(current, new Snapshot(current.root(), current.revision(), apply.index, apply.hints))) {
				return null;
			}
			Object there = StateValues.getIn(current.root(), path);
			return new CommitResult(current.revision(), List.of(new Change(path, there, there, write.payload())));
		}
		Object old = previous[0];
		Object now = (path.isRoot() && write.value() == null) ? StateValues.emptyBranch() : TreeDues.strip(write.value());
		List<Change> changes = List.of(new Change(path, old, now, write.payload()));
		@SuppressWarnings("unchecked")
		Map<String, Object> root = (Map<String, Object>) updated;
		if (StateValues.equal(old, now)) {
			// an equal value makes no revision; its lifetime applies to the value as stored (keeps 1.0 for 1.00)
			Snapshot next = new Snapshot(keptTree(current, apply, List.of(write)), current.revision(), apply.index,
					apply.hints);
			if (!same(current, next) && !this.state.compareAndSet(current, next)) {
				return null;
			}
			return new CommitResult(current.revision(), changes);
		}
		Snapshot next = new Snapshot(root, current.revision() + 1, apply.index, apply.hints);
		return this.state.compareAndSet(current, next) ? new CommitResult(next.revision(), changes) : null;
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
			if (current.root() != base || !plain(current, request.writes())) {
				// lifetimes are written with the tree's slots: the writes are applied again, with them
				return InMemoryBackend.this.commit(request);
			}
			checkPreconditions(request, base);
			// the caller's record of the changes, when it kept one, instead of a second walk of both roots
			List<Change> changes = (recorded != null) ? recorded
					: StateValues.changes(base, applied, request.writes());
			if (StateValues.unchanged(changes)) {
				return new CommitResult(current.revision(), changes);
			}
			Snapshot next = new Snapshot(applied, current.revision() + 1, current.expiry(), current.hints());
			if (InMemoryBackend.this.state.compareAndSet(current, next)) {
				return new CommitResult(next.revision(), changes);
			}
			return InMemoryBackend.this.commit(request);
		}

	}

	/** How many paths the hints name, for tests of their bound. */
	int hintedPaths() {
		return this.state.get().hints().size();
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
