package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The derivations of one order indexed by the paths they read (issue 20): a lookup from a written
 * path to the sources it touches, instead of checking every derivation against every write.
 * Every source of every derivation is a <em>slot</em>, numbered in order: derivation {@code i}
 * owns the slots from {@code start(i)} to {@code start(i + 1)}. The slots sit in a tree of path
 * segments, each node holding the sources at its path and the sources strictly below it, so a
 * write at a path marks every source at, above or below it in one walk down its segments,
 * and the derivations owning them as due ({@link Marks}): a commit then visits the due
 * derivations only, in order ({@link #nextDue}), instead of checking all of them.
 * <p>
 * Built for one list of derivations and the source lists they had then; {@link #matches} tells
 * whether it still describes a list (a tracked derivation that read other paths replaced its
 * sources list). Immutable once built, so it is shared without a lock.
 */
final class SourceIndex {

	private static final int[] NONE = new int[0];

	/** The derivations this index was built for (compared by identity). */
	private final List<DerivationImpl> ordered;

	/** Each derivation's sources list when indexed (compared by identity). */
	private final List<?>[] sources;

	/** The tracked derivations' places in the order: only their sources lists are ever replaced. */
	private final int[] tracked;

	/** The first slot of each derivation, and the number of slots at the end. */
	private final int[] starts;

	/** The source each slot stands for. */
	private final StatePath[] slotPaths;

	/** The derivation each slot belongs to. */
	private final int[] owners;

	private final Node root;

	/** For each derivation, the slots a write at its destination marks (found once, when built). */
	private final int[][] destinationMarks;

	/**
	 * For each derivation, the slots at or above its destination: when the value there changed,
	 * the value each of them reads changed too (a branch differs when one of its children does).
	 */
	private final int[][] destinationChanges;

	private SourceIndex(List<DerivationImpl> ordered) {
		int n = ordered.size();
		this.ordered = ordered;
		this.sources = new List<?>[n];
		this.starts = new int[n + 1];
		List<StatePath> paths = new ArrayList<>();
		Builder builder = new Builder();
		for (int i = 0; i < n; i++) {
			List<StatePath> read = ordered.get(i).sources;
			this.sources[i] = read;
			this.starts[i] = paths.size();
			for (StatePath source : read) {
				builder.add(source, paths.size());
				paths.add(source);
			}
		}
		this.starts[n] = paths.size();
		List<Integer> trackedAt = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			if (ordered.get(i).tracked) {
				trackedAt.add(i);
			}
		}
		this.tracked = Draft.ints(trackedAt);
		this.slotPaths = paths.toArray(new StatePath[0]);
		this.owners = new int[this.slotPaths.length];
		for (int i = 0; i < n; i++) {
			Arrays.fill(this.owners, this.starts[i], this.starts[i + 1], i);
		}
		this.root = builder.root.build();
		this.destinationMarks = new int[n][];
		this.destinationChanges = new int[n][];
		for (int i = 0; i < n; i++) {
			Marks marks = newMarks();
			StatePath destination = ordered.get(i).destination;
			mark(destination, marks);
			List<Integer> slots = new ArrayList<>();
			List<Integer> above = new ArrayList<>();
			for (int slot = 0; slot < this.slotPaths.length; slot++) {
				if (isSet(slot, marks.slots)) {
					slots.add(slot);
					if (this.slotPaths[slot].isAncestorOrSelf(destination)) {
						above.add(slot);
					}
				}
			}
			this.destinationMarks[i] = Draft.ints(slots);
			this.destinationChanges[i] = Draft.ints(above);
		}
	}

	/** Indexes the sources of these derivations as they are now. */
	static SourceIndex of(List<DerivationImpl> ordered) {
		return new SourceIndex(ordered);
	}

	/** Whether this index was built for this list, with every derivation's sources as they are now. */
	boolean matches(List<DerivationImpl> list) {
		if (list != this.ordered) {
			return false;
		}
		for (int i : this.tracked) {
			if (list.get(i).sources != this.sources[i]) {
				return false;
			}
		}
		return true;
	}

	/** A fresh set of marks for one pass of a commit: no slot marked, no derivation due. */
	Marks newMarks() {
		return new Marks(this.slotPaths.length, this.starts.length - 1);
	}

	/**
	 * Marks every slot whose source is at, above or below the written path (a write there may
	 * change the value the source reads), and their derivations as due.
	 */
	void mark(StatePath written, Marks marks) {
		Node node = this.root;
		int depth = written.depth();
		for (int k = 0;; k++) {
			// node is the path's prefix of depth k: sources there are at or above the write
			set(node.here, marks);
			if (k == depth) {
				set(node.below, marks);
				return;
			}
			Map<String, Node> children = node.children;
			if (children == null) {
				return;
			}
			node = children.get(written.segment(k));
			if (node == null) {
				return;
			}
		}
	}

	/**
	 * Notes that the value at the written path surely differs from the one before the commit:
	 * every slot at or above it reads a changed value.
	 */
	void markChanged(StatePath written, Marks marks) {
		Node node = this.root;
		for (int k = 0;; k++) {
			setChanged(node.here, marks);
			if (k == written.depth() || node.children == null) {
				return;
			}
			node = node.children.get(written.segment(k));
			if (node == null) {
				return;
			}
		}
	}

	/** {@link #mark} of a write at the destination of the derivation at this index of the order. */
	void markDestination(int derivation, Marks marks) {
		set(this.destinationMarks[derivation], marks);
	}

	/**
	 * {@link #markChanged(StatePath, Marks)} of the destination of the derivation at this index:
	 * the value there differs from the one before the commit.
	 */
	void markChanged(int derivation, Marks marks) {
		setChanged(this.destinationChanges[derivation], marks);
	}

	private void set(int[] slots, Marks marks) {
		long[] bits = marks.slots;
		long[] due = marks.due;
		int[] owner = this.owners;
		for (int slot : slots) {
			bits[slot >>> 6] |= 1L << slot;
			int o = owner[slot];
			due[o >>> 6] |= 1L << o;
		}
	}

	private static void setChanged(int[] slots, Marks marks) {
		if (slots.length == 0) {
			return;
		}
		long[] changed = marks.changed;
		if (changed == null) {
			changed = new long[marks.slots.length];
			marks.changed = changed;
		}
		for (int slot : slots) {
			changed[slot >>> 6] |= 1L << slot;
		}
	}

	/** The first due derivation at or after {@code from} in the order, or -1. */
	static int nextDue(Marks marks, int from) {
		long[] due = marks.due;
		int word = from >>> 6;
		if (word >= due.length) {
			return -1;
		}
		long bits = due[word] & (-1L << from);
		while (true) {
			if (bits != 0) {
				return (word << 6) + Long.numberOfTrailingZeros(bits);
			}
			if (++word == due.length) {
				return -1;
			}
			bits = due[word];
		}
	}

	/** Makes a derivation due whatever its sources (its first value, or a run again after a reorder). */
	static void due(int derivation, Marks marks) {
		marks.due[derivation >>> 6] |= 1L << derivation;
	}

	/** The first slot of a derivation. */
	int start(int derivation) {
		return this.starts[derivation];
	}

	/** The slot after the last of a derivation. */
	int end(int derivation) {
		return this.starts[derivation + 1];
	}

	/** The source a slot stands for. */
	StatePath path(int slot) {
		return this.slotPaths[slot];
	}

	static boolean isSet(int slot, long[] marks) {
		return (marks[slot >>> 6] & (1L << slot)) != 0;
	}

	/**
	 * What one pass of a commit marked: the slots a write may have changed, the slots whose value
	 * surely changed (made on first use; true only while the commit's changes are recorded
	 * exactly, see {@link TxView#surelyChanged}), and the derivations owning a marked slot.
	 */
	static final class Marks {

		final long[] slots;

		final long[] due;

		long @Nullable [] changed;

		Marks(int slots, int derivations) {
			this.slots = new long[(slots + 63) >>> 6];
			this.due = new long[(derivations + 63) >>> 6];
		}

	}

	/** One path of the index: the slots read there, the slots read strictly below, the children. */
	private static final class Node {

		final int[] here;

		final int[] below;

		final @Nullable Map<String, Node> children;

		Node(int[] here, int[] below, @Nullable Map<String, Node> children) {
			this.here = here;
			this.below = below;
			this.children = children;
		}

	}

	/** A node while the index is built. */
	private static final class Builder {

		final Draft root = new Draft();

		void add(StatePath source, int slot) {
			Draft node = this.root;
			for (int k = 0; k < source.depth(); k++) {
				node.below.add(slot);
				node = node.children.computeIfAbsent(source.segment(k), (segment) -> new Draft());
			}
			node.here.add(slot);
		}

	}

	private static final class Draft {

		final List<Integer> here = new ArrayList<>();

		final List<Integer> below = new ArrayList<>();

		final Map<String, Draft> children = new HashMap<>();

		Node build() {
			Map<String, Node> built = null;
			if (!this.children.isEmpty()) {
				built = new HashMap<>(this.children.size() * 2);
				for (Map.Entry<String, Draft> child : this.children.entrySet()) {
					built.put(child.getKey(), child.getValue().build());
				}
			}
			return new Node(ints(this.here), ints(this.below), built);
		}

		static int[] ints(List<Integer> list) {
			if (list.isEmpty()) {
				return NONE;
			}
			int[] array = new int[list.size()];
			for (int i = 0; i < array.length; i++) {
				array[i] = list.get(i);
			}
			Arrays.sort(array);
			return array;
		}

	}

}
