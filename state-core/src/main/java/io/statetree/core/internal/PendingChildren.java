package io.statetree.core.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import io.statetree.core.StatePath;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * A commit's derived writes side by side (children of one branch), held back from the commit's
 * tree so that the branch is copied once for all of them ({@link #applied}) instead of once per
 * write (DESIGN §6, issue 20). Holds the branch as the tree had it, the children's names and
 * values in the order written, each name once, at most {@link #MAX} of them (a read of a path
 * beside them scans them).
 * <p>
 * Not thread-safe: owned by one {@link TxView}, which is confined to the committing thread.
 */
final class PendingChildren {

	/** At most this many writes are held at once: a branch of many derived children (a DAG's) is copied once per this many. */
	static final int MAX = 16;

	/** What {@link #lookup} answers when the tree, not a held write, decides a value. */
	static final Object IN_TREE = new Object();

	/** What {@link #lookup} answers for the branch or a path above it: the tree must take the held writes first. */
	static final Object ABOVE = new Object();

	private static final Object[] NONE = {};

	/** The first held write's path (its parent is the branch), or null when none is held. */
	private @Nullable StatePath of;

	/** The branch's path, as the first held write's derivation knows it ({@link DerivationImpl#destinationParent}). */
	private @Nullable StatePath branchPath;

	private @Nullable Map<String, Object> parent;

	private Object[] keys = NONE;

	private Object[] values = NONE;

	/**
	 * Where each held child was found in {@link #parent} ({@link StateValues#child(Map, String, int[], int)}),
	 * so that applying them does not search the branch again.
	 */
	private int[] hints = NO_HINTS;

	private static final int[] NO_HINTS = {};

	private int size;

	/** How many changes the commit had recorded when the first of these was held: those from there on are theirs. */
	private int recordFrom;

	/**
	 * Whether no change recorded before the first of these lies at, above or below their branch:
	 * then none lies at, above or below one of its children, and a held write needs no comparing.
	 */
	private boolean clearOfEarlier;

	int size() {
		return this.size;
	}

	/**
	 * Whether the derivation's write can join the held ones: a child of the same branch (the same
	 * parent instance, shared by derivations writing side by side, or an equal one), and room left.
	 */
	boolean accepts(DerivationImpl derivation) {
		StatePath held = Objects.requireNonNull(this.branchPath);
		StatePath parent = derivation.destinationParent;
		return this.size < MAX && (parent == held || (parent.depth() == held.depth() && parent.equals(held)));
	}

	/**
	 * Starts holding writes below a branch of the tree, the first the derivation's.
	 * @param recorded how many changes the commit recorded so far
	 * @param clear whether none of those lies at, above or below the branch
	 */
	void start(DerivationImpl derivation, Map<String, Object> branch, int recorded, boolean clear) {
		this.of = derivation.destination;
		this.branchPath = derivation.destinationParent;
		this.parent = branch;
		this.recordFrom = recorded;
		this.clearOfEarlier = clear;
		if (this.keys.length == 0) {
			// never more than MAX: made once, at full size
			this.keys = new Object[MAX];
			this.values = new Object[MAX];
			this.hints = new int[MAX];
		}
	}

	/**
	 * How many of the changes recorded before the first held write a held write must be compared
	 * with: none when the branch is clear of them all.
	 */
	int compareWith() {
		return this.clearOfEarlier ? 0 : this.recordFrom;
	}

	/** The held write's index for a child name, or -1. */
	int indexOf(String key) {
		Object[] held = this.keys;
		int hash = key.hashCode();
		for (int i = 0, n = this.size; i < n; i++) {
			Object k = held[i];
			if (k == key || (k.hashCode() == hash && k.equals(key))) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * The value of a child now: the held one at {@code at}, else the branch's, looked for first
	 * where the derivation found it last ({@link DerivationImpl#slotHint}), and its place noted for
	 * {@link #put} and {@link #applied}.
	 */
	@Nullable Object valueOf(int at, String key, DerivationImpl derivation) {
		if (at >= 0) {
			return this.values[at];
		}
		int[] noted = this.hints;
		int next = this.size;
		noted[next] = derivation.slotHint;
		Object value = StateValues.child(Objects.requireNonNull(this.parent), key, noted, next);
		derivation.slotHint = noted[next];
		return value;
	}

	/**
	 * Holds a child's new value: replaces the held one at {@code at}, or adds it when -1 (after
	 * {@link #valueOf} looked it up).
	 */
	void put(int at, String key, Object model) {
		if (at >= 0) {
			this.values[at] = model;
			return;
		}
		this.keys[this.size] = key;
		this.values[this.size] = model;
		this.size++;
	}

	/**
	 * The value at a path when held writes decide it (at a held child or below one), else
	 * {@link #IN_TREE}, or {@link #ABOVE} for the branch and the paths above it.
	 */
	@Nullable Object lookup(StatePath path) {
		StatePath first = Objects.requireNonNull(this.of);
		int parentDepth = first.depth() - 1;
		int depth = path.depth();
		for (int i = 0, n = Math.min(depth, parentDepth); i < n; i++) {
			if (!path.segment(i).equals(first.segment(i))) {
				return IN_TREE;
			}
		}
		if (depth <= parentDepth) {
			return ABOVE;
		}
		int at = indexOf(path.segment(parentDepth));
		if (at < 0) {
			return IN_TREE;
		}
		Object value = this.values[at];
		for (int i = parentDepth + 1; i < depth && value != null; i++) {
			value = StateValues.child(value, path.segment(i));
		}
		return value;
	}

	/** Forgets every held write unapplied (a view that ends without applying them), keeping the buffers. */
	void clear() {
		if (this.size > 0) {
			Arrays.fill(this.keys, 0, this.size, null);
			Arrays.fill(this.values, 0, this.size, null);
			this.size = 0;
		}
		this.of = null;
		this.branchPath = null;
		this.parent = null;
	}

	/** The path of the branch the held writes are children of. */
	StatePath branchPath() {
		return Objects.requireNonNull(this.branchPath);
	}

	/** The branch with every held child set (copied once), and nothing held any more. */
	Map<String, Object> applied() {
		int n = this.size;
		Map<String, Object> branch = StateValues.withChildren(Objects.requireNonNull(this.parent), this.hints,
				this.keys, this.values, n);
		Arrays.fill(this.keys, 0, n, null);
		Arrays.fill(this.values, 0, n, null);
		this.size = 0;
		this.of = null;
		this.branchPath = null;
		this.parent = null;
		return branch;
	}

}
