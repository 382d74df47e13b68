package io.statetree.core.backend;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.statetree.core.backend.FileEntries.Entry;
import io.statetree.core.backend.FileEntries.EntryKind;
import io.statetree.core.backend.FileNames.Names;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;

/**
 * What the commits of a {@link FileSystemBackend} know about the entries of its directory, so a
 * commit does not ask the file system again ({@code stat}) for names it looked up or wrote
 * before. The backend owns its directory while it is open ({@link DirectoryLock}): every change
 * to the tree goes through {@link AtomicCommit}, which reports each file operation it made
 * ({@link #applied}) or failed ({@link #forget}: everything is asked again). A name is looked up
 * on disk the first time only; what an operation makes of it (a file, a directory, nothing, and
 * nothing below a deleted directory) is noted without asking.
 * <p>
 * Only the commit path uses it (planning: {@link FileCommitPlan}); reads keep asking the file
 * system, so a file a person edits or adds while the backend is open is seen by reads, and a
 * commit plans against what the backend itself made of the directory. On a case-insensitive file
 * system names are compared by listing ({@link FileEntries}), and nothing is kept. Holds at most
 * {@value #MAX_ENTRIES} names; past that it starts again empty (the next lookups ask the disk).
 * <p>
 * Not thread-safe: used under the backend's write lock only.
 */
final class DirectoryIndex {

	/** The most names kept; past it the index is emptied (each name is then looked up again). */
	static final int MAX_ENTRIES = 100_000;

	/** What is at a path, as far as the tree is concerned. */
	enum Kind {

		ABSENT, FILE, DIRECTORY, OTHER

	}

	private final FileEntries entries;

	private final boolean enabled;

	private final Map<Path, Kind> kinds = new HashMap<>();

	/** Lookups the disk answered (for tests and the counts in the README). */
	private long misses;

	/**
	 * @param entries looks names up on disk
	 * @param enabled whether names are kept (not on case-insensitive file systems)
	 */
	DirectoryIndex(FileEntries entries, boolean enabled) {
		this.entries = entries;
		this.enabled = enabled;
	}

	/**
	 * Looks a segment's names up in a directory, on disk only when not known.
	 * @param dir the directory
	 * @param names the segment's names
	 * @return what its data file and its data directory are
	 */
	Entry entry(Path dir, Names names) {
		if (!this.enabled) {
			return this.entries.entry(dir, names);
		}
		Path file = dir.resolve(names.file());
		Path sub = dir.resolve(names.stem());
		Kind fileKind = this.kinds.get(file);
		Kind subKind = this.kinds.get(sub);
		if (fileKind == null || subKind == null) {
			Entry found = this.entries.entry(dir, names);
			this.misses++;
			if (fileKind == null) {
				fileKind = kindOf(found.file(), false);
				put(file, fileKind);
			}
			if (subKind == null) {
				subKind = kindOf(found.dir(), true);
				put(sub, subKind);
			}
			return found;
		}
		return new Entry(asEntryKind(fileKind, false), asEntryKind(subKind, true));
	}

	/**
	 * Notes what an operation made of its path, once it is done.
	 * @param op the operation, applied
	 */
	void applied(Op op) {
		if (!this.enabled) {
			return;
		}
		switch (op.kind()) {
			case PUT -> put(op.path(), Kind.FILE);
			case MKDIR -> put(op.path(), Kind.DIRECTORY);
			case DELETE -> {
				Kind was = this.kinds.get(op.path());
				if (was != Kind.FILE && was != Kind.ABSENT) {
					removeBelow(op.path());
				}
				put(op.path(), Kind.ABSENT);
			}
		}
	}

	/** Forgets everything: after an operation failed, what it left is asked of the disk again. */
	void forget() {
		this.kinds.clear();
	}

	/** How many lookups the disk answered since the backend opened. */
	long misses() {
		return this.misses;
	}

	/**
	 * What is known, for tests.
	 * @return a copy: each known path and what it is
	 */
	Map<Path, Kind> known() {
		return Map.copyOf(this.kinds);
	}

	private void put(Path path, Kind kind) {
		if (this.kinds.size() >= MAX_ENTRIES && !this.kinds.containsKey(path)) {
			this.kinds.clear();
		}
		this.kinds.put(path, kind);
	}

	private void removeBelow(Path dir) {
		for (Iterator<Path> it = this.kinds.keySet().iterator(); it.hasNext();) {
			Path known = it.next();
			if (!known.equals(dir) && known.startsWith(dir)) {
				it.remove();
			}
		}
	}

	private static Kind kindOf(EntryKind kind, boolean directory) {
		return switch (kind) {
			case ABSENT -> Kind.ABSENT;
			case DATA -> directory ? Kind.DIRECTORY : Kind.FILE;
			case FOREIGN -> Kind.OTHER;
		};
	}

	private static EntryKind asEntryKind(Kind kind, boolean directory) {
		return switch (kind) {
			case ABSENT -> EntryKind.ABSENT;
			case FILE -> directory ? EntryKind.FOREIGN : EntryKind.DATA;
			case DIRECTORY -> directory ? EntryKind.DATA : EntryKind.FOREIGN;
			case OTHER -> EntryKind.FOREIGN;
		};
	}

	/**
	 * What a path is on disk, as this index would note it (for tests comparing with the disk).
	 * @param attributes the path's attributes, or {@code null} when nothing is there
	 * @return its kind
	 */
	static Kind kindOf(@Nullable BasicFileAttributes attributes) {
		if (attributes == null) {
			return Kind.ABSENT;
		}
		return attributes.isRegularFile() ? Kind.FILE : attributes.isDirectory() ? Kind.DIRECTORY : Kind.OTHER;
	}

}
