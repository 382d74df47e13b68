package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.SnapshotStore;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import org.jspecify.annotations.Nullable;

/**
 * The state as it will be once pending writes are applied: backend reads overlaid with the
 * writes, in order. Not thread-safe: one per commit or batch.
 * <p>
 * A view that tracks reads (a batch's) remembers, for every path it read that its own writes do
 * not fully cover, the value the backend held there: checked at commit as preconditions, they
 * make the batch serialisable. A path read several times keeps the value of its first read.
 */
final class TxView {

	private final StateBackend backend;

	private final List<Write> writes = new ArrayList<>();

	/**
	 * The paths written, to tell in a few lookups whether a read is covered by an own write; kept
	 * only by a view that tracks reads (the only one that asks, in {@link #read}).
	 */
	private final Set<StatePath> written;

	/** Paths read from the backend and the value read there first; null when reads are not tracked. */
	private final @Nullable Map<StatePath, @Nullable Object> reads;

	/** Set while a read must not join the read set. */
	private boolean untracked;

	/** Whether a path read twice from the backend held different values: the reads saw two states. */
	private boolean conflicted;

	/** Whose read set and conflict flag this view's reads go to: itself, or the view it was forked from. */
	private final TxView tracker;

	/**
	 * For a backend with a {@link SnapshotStore} (memory): the snapshot the transaction started
	 * from with its writes applied, so reads cost a path walk instead of a scan of the writes.
	 */
	private @Nullable Map<String, Object> root;

	/** For a backend with a {@link SnapshotStore} (memory): the snapshot the transaction started from. */
	private final @Nullable Map<String, Object> base;

	/**
	 * The last path read or derived by a snapshot view that does not track reads, and its value
	 * there: a derivation's source is read when checking whether it changed and again when the
	 * derivation reads it, and a chain's next derivation reads what the last one wrote (the same
	 * {@code StatePath}, compared by identity). Every write sets it to its own path or forgets it.
	 */
	private @Nullable StatePath lastPath;

	private @Nullable Object lastValue;

	/**
	 * The commit's changes as the writes were applied to {@link #root}, while they are exactly
	 * what diffing {@link #base} and {@link #root} would give; null when not recorded, or no
	 * longer exact (see {@link TxChangeRecord#note}).
	 */
	private @Nullable TxChangeRecord changes;

	/**
	 * Derived writes side by side (children of one branch) not yet applied to {@link #root}: the
	 * branch is copied once for all of them when a read or write needs the tree ({@link #flush}),
	 * not once per write; reads see them first. Made on first use, by a snapshot view that does not
	 * track reads only.
	 */
	private @Nullable PendingChildren pending;

	TxView(StateBackend backend) {
		this(backend, false);
	}

	TxView(StateBackend backend, boolean trackReads) {
		this(backend, trackReads, null);
	}

	/**
	 * A view; one that does not track reads holds its derived writes side by side in
	 * {@code held} when given (emptied first), instead of a buffer of its own.
	 */
	TxView(StateBackend backend, boolean trackReads, @Nullable PendingChildren held) {
		if (held != null && !trackReads) {
			held.clear();
			this.pending = held;
		}
		this.backend = backend;
		SnapshotStore snapshots = backend.snapshotStore();
		this.base = (snapshots != null) ? snapshots.snapshot() : null;
		this.root = this.base;
		this.reads = trackReads ? new LinkedHashMap<>() : null;
		this.written = trackReads ? new HashSet<>() : Set.of();
		this.tracker = this;
	}

	private TxView(TxView source) {
		this.backend = source.backend;
		this.base = source.base;
		this.root = source.root;
		this.writes.addAll(source.writes);
		this.written = (source.reads != null) ? new HashSet<>(source.written) : Set.of();
		// what a fork reads from the backend is a read of the transaction it came from
		this.reads = source.reads;
		this.tracker = source.tracker;
	}

	/**
	 * A copy with the same writes that records its backend reads into this view's read set;
	 * writes added to the copy stay in the copy.
	 */
	TxView fork() {
		flush();
		return new TxView(this);
	}

	/**
	 * The reads to check at commit: each path read from the backend with the value found there.
	 * @return the preconditions, in order of first read; empty when reads are not tracked
	 */
	List<Precondition> preconditions() {
		Map<StatePath, @Nullable Object> recorded = this.reads;
		if (recorded == null || recorded.isEmpty()) {
			return List.of();
		}
		List<Precondition> preconditions = new ArrayList<>(recorded.size());
		recorded.forEach((path, value) -> preconditions.add(new Precondition(path, value)));
		return preconditions;
	}

	/** Whether every read sees one snapshot taken when the view was made (a {@link SnapshotStore}). */
	boolean isSnapshot() {
		return this.base != null;
	}

	@Nullable Map<String, Object> base() {
		return this.base;
	}

	@Nullable Map<String, Object> applied() {
		flush();
		return this.root;
	}

	/**
	 * Starts recording the changes the writes make to the snapshot (a commit's own view, which
	 * does not track reads), for {@link #changes}. Call before the first write.
	 */
	void recordChanges() {
		if (this.root != null && this.reads == null && this.writes.isEmpty()) {
			this.changes = new TxChangeRecord();
		}
	}

	/**
	 * The changes between {@link #base} and {@link #applied}, one per write in order, as
	 * {@link StateValues#changes} gives them; null when they were not recorded or could not be
	 * (then the roots must be compared).
	 */
	@Nullable List<Change> changes() {
		TxChangeRecord recorded = this.changes;
		return (recorded != null) ? recorded.changes() : null;
	}

	/**
	 * Notes the change a write made on its own walk, and whether it surely changed the value there
	 * (a derivation's JSON equality said so, or {@code equal} is asked); drops the record when it
	 * is no longer exact.
	 */
	private void noteChange(Write write, @Nullable Object before, @Nullable DerivationImpl derivation) {
		TxChangeRecord recorded = this.changes;
		if (recorded != null && !recorded.note(write, before, surely(derivation, before, write.value()))) {
			this.changes = null;
		}
	}

	private static boolean surely(@Nullable DerivationImpl derivation, @Nullable Object before, @Nullable Object after) {
		return (derivation != null && derivation.comparesModels()) || !StateValues.equal(before, after);
	}

	List<Write> writes() {
		return this.writes;
	}

	/**
	 * Adds a write after checking it can be applied: it must not run through a leaf, and only a
	 * branch may be written at the root.
	 */
	void add(Write write) {
		flush();
		Map<String, Object> current = this.root;
		if (current != null) {
			if (this.changes != null && write.value() != null && !write.path().isRoot()) {
				// one walk finds the value there for the change and makes the new tree (it throws
				// below a leaf as applying does)
				Object[] previous = new Object[1];
				@SuppressWarnings("unchecked")
				Map<String, Object> next = (Map<String, Object>) StateValues.setIn(current, StatePath.ROOT,
						write.path(), write.value(), previous);
				this.root = next;
				noteChange(write, previous[0], null);
			}
			else {
				// applying checks the write (below a leaf, non-branch at the root) and throws first
				this.root = StateValues.applyToRoot(current, List.of(write));
				this.changes = null;
			}
			this.lastPath = null;
			this.writes.add(write);
			noteWritten(write.path());
			return;
		}
		StatePath path = write.path();
		if (write.value() != null) {
			if (path.isRoot()) {
				if (!StateValues.isBranch(write.value())) {
					StateValues.applyToRoot(StateValues.emptyBranch(), List.of(write));
				}
			}
			else {
				for (int depth = path.depth() - 1; depth >= 0; depth--) {
					StatePath ancestor = path.prefix(depth);
					Object value = readUntracked(ancestor);
					if (value != null) {
						if (!StateValues.isBranch(value)) {
							// throws StateWriteException naming the path and the leaf
							StateValues.setIn(value, ancestor, ancestor.relativize(path), write.value());
						}
						break;
					}
				}
			}
		}
		this.writes.add(write);
		noteWritten(write.path());
	}

	/**
	 * A derivation's write of the value it computed, when {@link DerivationImpl#changes} says it
	 * changes what is there: the value there and the tree with the new value are found on one walk
	 * down the path (in a snapshot view that does not track reads; any other view reads, then
	 * adds). The same outcome as {@code if (derivation.changes(read(destination), returned, model))
	 * add(new Write(destination, model, null))}.
	 * @param returned the value as the transform returned it
	 * @param model that value in the JSON model
	 * @return whether the write was added
	 * @throws io.statetree.core.StateWriteException when the write changes the value and runs through a leaf
	 */
	boolean addIfChanged(DerivationImpl derivation, @Nullable Object returned, @Nullable Object model) {
		Map<String, Object> current = this.root;
		StatePath path = derivation.destination;
		if (current != null && this.reads == null && !path.isRoot()) {
			if (model != null) {
				int added = addBeside(derivation, returned, model);
				if (added >= 0) {
					return added == 1;
				}
			}
			flush();
			current = this.root;
			Object[] previous = new Object[1];
			Object updated;
			try {
				updated = StateValues.setIn(current, StatePath.ROOT, path, model, previous);
			}
			catch (io.statetree.core.StateWriteException ex) {
				// below a leaf: only a write that changes the value there is refused, as add refuses it
				updated = null;
			}
			if (updated instanceof Map<?, ?>) {
				if (!derivation.changes(previous[0], returned, model)) {
					return false;
				}
				@SuppressWarnings("unchecked")
				Map<String, Object> next = (Map<String, Object>) updated;
				this.root = next;
				this.lastPath = path;
				this.lastValue = model;
				Write write = new Write(path, model, null);
				this.writes.add(write);
				noteChange(write, previous[0], derivation);
				return true;
			}
		}
		if (!derivation.changes(read(path), returned, model)) {
			return false;
		}
		add(new Write(path, model, null));
		return true;
	}

	/**
	 * A derived write of a value beside the pending ones (or the first of a new group, when its
	 * parent is a branch in the tree): kept pending, with the value there found in the pending
	 * values or the parent branch. A write elsewhere applies the pending ones first.
	 * @return 1 when added, 0 when the derivation's equality says nothing changes, -1 when the
	 * write must be applied to the tree as usual (its parent is absent or not a branch)
	 */
	private int addBeside(DerivationImpl derivation, @Nullable Object returned, Object model) {
		StatePath path = derivation.destination;
		PendingChildren held = this.pending;
		if (held == null) {
			held = new PendingChildren();
			this.pending = held;
		}
		if (held.size() > 0 && !held.accepts(derivation)) {
			// another branch, or as many as a read should scan: the held ones go to the tree first
			flush();
		}
		int last = path.depth() - 1;
		if (held.size() == 0) {
			Object parent = this.root;
			for (int i = 0; i < last && parent != null; i++) {
				parent = StateValues.child(parent, path.segment(i));
			}
			if (!(parent instanceof Map<?, ?>)) {
				return -1;
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> branch = (Map<String, Object>) parent;
			TxChangeRecord recorded = this.changes;
			held.start(derivation, branch, (recorded != null) ? recorded.size() : 0,
					recorded != null && !recorded.touches(derivation.destinationParent));
		}
		String key = path.segment(last);
		int at = held.indexOf(key);
		Object previous = held.valueOf(at, key, derivation);
		if (!derivation.changes(previous, returned, model)) {
			return 0;
		}
		held.put(at, key, model);
		// the value there is now the model: the next derivation, reading it, finds it here
		this.lastPath = path;
		this.lastValue = model;
		Write write = new Write(path, model, null);
		this.writes.add(write);
		TxChangeRecord recorded = this.changes;
		// the held writes are children of one branch, each written once (a child written again
		// was found at its index): only the changes before them can touch this one, and none of
		// those when none lies at, above or below the branch (checked once, when the group started)
		if (recorded != null && (at >= 0 || !recorded.noteAfter(write, previous, surely(derivation, previous, model),
				held.compareWith()))) {
			this.changes = null;
		}
		return 1;
	}

	/** Applies the held writes side by side: their branch copied once, the path to it once. */
	private void flush() {
		PendingChildren held = this.pending;
		if (held == null || held.size() == 0) {
			return;
		}
		StatePath at = held.branchPath();
		Map<String, Object> branch = held.applied();
		if (at.isRoot()) {
			this.root = branch;
		}
		else {
			@SuppressWarnings("unchecked")
			Map<String, Object> next = (Map<String, Object>) StateValues.setIn(Objects.requireNonNull(this.root),
					StatePath.ROOT, at, branch);
			this.root = next;
		}
		this.lastPath = null;
	}

	/** Whether the commit's changes are still recorded exactly (see {@link TxChangeRecord}). */
	boolean recordsExactly() {
		return this.changes != null;
	}

	/**
	 * Whether write {@code k} of {@link #writes} surely changed the value at its path from the
	 * snapshot's and the value there is still the one it put: true only while the commit's
	 * changes are recorded exactly (no write so far at, above or below another).
	 */
	boolean surelyChanged(int k) {
		TxChangeRecord recorded = this.changes;
		return recorded != null && recorded.surelyChanged(k);
	}

	private void noteWritten(StatePath path) {
		if (this.reads != null) {
			this.written.add(path);
		}
	}

	/** Whether an own write at the path or above it decides the whole value there. */
	private boolean covered(StatePath path) {
		if (this.written.isEmpty()) {
			return false;
		}
		for (int depth = path.depth(); depth >= 0; depth--) {
			if (this.written.contains(path.prefix(depth))) {
				return true;
			}
		}
		return false;
	}

	private void remember(StatePath path, @Nullable Object backendValue) {
		Map<StatePath, @Nullable Object> recorded = this.reads;
		if (recorded == null || this.untracked) {
			return;
		}
		if (!recorded.containsKey(path)) {
			recorded.put(path, backendValue);
		}
		else if (!StateValues.equal(recorded.get(path), backendValue)) {
			this.tracker.conflicted = true;
		}
	}

	/**
	 * Tells whether the transaction saw two different states of the backend (a path that changed
	 * between two reads), so it cannot commit what it computed.
	 */
	boolean conflicted() {
		return this.tracker.conflicted;
	}

	/** Records that the transaction acted on a state that its read set does not describe. */
	void markConflicted() {
		this.tracker.conflicted = true;
	}

	/**
	 * Reads through the pending writes without adding the path to the read set.
	 */
	@Nullable Object readUntracked(StatePath path) {
		boolean was = this.untracked;
		this.untracked = true;
		try {
			return read(path);
		}
		finally {
			this.untracked = was;
		}
	}

	/**
	 * Reads through the pending writes; a tracking view remembers what the backend held there.
	 */
	@Nullable Object read(StatePath path) {
		if (path == this.lastPath) {
			// set only by a snapshot view that does not track reads, and forgotten by every write
			// that could move the value there
			return this.lastValue;
		}
		PendingChildren held = this.pending;
		if (held != null && held.size() > 0) {
			Object found = held.lookup(path);
			if (found == PendingChildren.ABOVE) {
				// the branch or above it: the tree must hold the pending values
				flush();
			}
			else if (found != PendingChildren.IN_TREE) {
				return found;
			}
		}
		Map<String, Object> current = this.root;
		if (current != null) {
			if (this.reads != null) {
				if (!this.untracked && !covered(path)) {
					remember(path, StateValues.getIn(this.base, path));
				}
				return StateValues.getIn(current, path);
			}
			this.lastValue = StateValues.getIn(current, path);
			this.lastPath = path;
			return this.lastValue;
		}
		return readThroughWrites(path);
	}

	/**
	 * {@link #read} without a snapshot: the backend's value with the pending writes applied. Kept
	 * out of {@code read} so that the snapshot read stays small enough for the JIT to inline
	 * where derivations read (FreqInlineSize is 325 bytes of bytecode).
	 */
	private @Nullable Object readThroughWrites(StatePath path) {
		int lastCover = -1;
		boolean touched = false;
		boolean deletes = false;
		for (int i = this.writes.size() - 1; i >= 0; i--) {
			Write write = this.writes.get(i);
			StatePath w = write.path();
			if (w.isAncestorOrSelf(path)) {
				lastCover = i;
				touched = true;
				deletes |= write.value() == null;
				break;
			}
			if (path.isAncestorOf(w)) {
				touched = true;
				deletes |= write.value() == null;
			}
		}
		if (!touched) {
			Object value = this.backend.read(path);
			remember(path, value);
			return value;
		}
		if (lastCover >= 0 && this.writes.get(lastCover).value() != null) {
			// the last own write at or above the path decides it (add refused a value below a
			// leaf); later ones below it apply on top
			return StateValues.valueAfter(path, null, this.writes, lastCover);
		}
		Object value = this.backend.read(path);
		remember(path, value);
		if (!deletes) {
			return StateValues.valueAfter(path, value, this.writes);
		}
		// a delete below a leaf the backend holds changes nothing there (DESIGN §4): the answer
		// depends on that leaf, so it is part of what the batch read
		int leafDepth = StateValues.leafDepth(this.backend, path, value);
		if (leafDepth < path.depth()) {
			StatePath leaf = path.prefix(leafDepth);
			remember(leaf, this.backend.read(leaf));
		}
		return StateValues.valueAfter(path, value, leafDepth, this.writes, 0);
	}

}
