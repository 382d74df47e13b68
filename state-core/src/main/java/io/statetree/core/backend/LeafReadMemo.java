package io.statetree.core.backend;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * The leaf reads of {@link InMemoryBackend} remembered per revision (issue 20: a leaf read on an
 * unchanged tree is one slot look-up instead of one map look-up per segment). A direct-mapped
 * table of {@value #SLOTS} slots indexed by the path's hash; each slot holds an immutable entry
 * (path, revision, value) or nothing. An entry answers only a read of an equal path at the same
 * revision: a backend's tree is immutable and each revision names exactly one tree, so a value
 * remembered at a revision stays right for as long as the backend is at it, and a commit needs no
 * invalidation (the next revision no longer matches).
 * <p>
 * Only leaves are remembered (a JSON string, number, boolean) and absent paths ({@code null}):
 * a branch or an array is read by walking as before, so an entry never holds on to a subtree of a
 * tree that has since changed. What it costs: one array of {@value #SLOTS} references per backend,
 * and an entry of 32 bytes (with compressed references) per slot in use, each holding a path and
 * a leaf read once (at most {@value #SLOTS} of each, until a read at a later revision replaces
 * them). A read that misses allocates one entry when it may take the slot (see {@link #put}).
 * <p>
 * Thread-safe without locks: entries are immutable (final fields), so a racy read of a slot sees
 * a whole entry or an older one; two readers storing into one slot leave one of their entries,
 * both right for their revisions.
 */
final class LeafReadMemo {

	/** Slots in the table (a power of two). */
	static final int SLOTS = 1_024;

	/** What {@link #get} answers when the slot remembers nothing for the path at the revision. */
	static final Object NONE = new Object();

	private final @Nullable Entry[] slots = new Entry[SLOTS];

	/** A remembered read: the value at {@code path} in the tree of {@code revision}. */
	private record Entry(StatePath path, long revision, @Nullable Object value) {
	}

	/**
	 * Returns the remembered value of a path at a revision.
	 * @param path the path read
	 * @param revision the revision of the tree read
	 * @return the value ({@code null} for an absent path), or {@link #NONE} when none is remembered
	 */
	@Nullable Object get(StatePath path, long revision) {
		Entry entry = this.slots[path.hashCode() & (SLOTS - 1)];
		if (entry != null && entry.revision == revision && (entry.path == path
				|| (entry.path.hashCode() == path.hashCode() && entry.path.equals(path)))) {
			return entry.value;
		}
		return NONE;
	}

	/**
	 * Remembers the value a read found, when it is a leaf or absent and its slot is free or holds
	 * a read of an older revision. A slot keeps the first path read at a revision: paths that
	 * share a slot and are read in turn do not replace each other (each such read would allocate
	 * and store an entry the next one drops), and a reader still at an older revision does not
	 * replace a newer entry.
	 * @param path the path read
	 * @param revision the revision of the tree it was read from
	 * @param value what the read found there
	 */
	void put(StatePath path, long revision, @Nullable Object value) {
		if (value instanceof Map<?, ?> || value instanceof List<?>) {
			return;
		}
		int slot = path.hashCode() & (SLOTS - 1);
		Entry there = this.slots[slot];
		if (there == null || there.revision < revision) {
			this.slots[slot] = new Entry(path, revision, value);
		}
	}

}
