package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Objects;
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
 * <p>
 * It also keeps the bytes of the state files commits wrote (up to {@value #MAX_FILE_BYTES} bytes
 * a file, {@value #MAX_BYTES} in all), with the file's identity, size and modification time as
 * the write left them: the value a later commit replaces is then parsed from those bytes after
 * one {@code stat} that finds the file as written, instead of opening and reading it. A file
 * found changed (a person edited it) is read from disk as before.
 * <p>
 * Not thread-safe: used under the backend's write lock only.
 */
final class DirectoryIndex {

	/** The most names kept; past it the index is emptied (each name is then looked up again). */
	static final int MAX_ENTRIES = 100_000;

	/** The longest state file whose bytes are kept. */
	static final int MAX_FILE_BYTES = 16 * 1024;

	/** The most bytes kept in all; past it the kept bytes are dropped. */
	static final int MAX_BYTES = 8 * 1024 * 1024;

	/** What is at a path, as far as the tree is concerned. */
	enum Kind {

		ABSENT, FILE, DIRECTORY, OTHER

	}

	private final FileEntries entries;

	private final boolean enabled;

	private final Map<Path, Kind> kinds = new HashMap<>();

	/** The state files written, with their bytes as the write left them. */
	private final Map<Path, Written> written = new HashMap<>();

	private long writtenBytes;

	/** The name state files end with ({@code .json}); none for the other files written. */
	private final String dotExtension;

	/** The backend's own directory: nothing in it is a state file. */
	private final Path meta;

	/** Lookups the disk answered (for tests and the counts in the README). */
	private long misses;

	/**
	 * @param entries looks names up on disk
	 * @param enabled whether names are kept (not on case-insensitive file systems)
	 * @param dotExtension the name state files end with, {@code .json}
	 * @param meta the backend's own directory
	 */
	DirectoryIndex(FileEntries entries, boolean enabled, String dotExtension, Path meta) {
		this.entries = entries;
		this.enabled = enabled;
		this.dotExtension = dotExtension;
		this.meta = meta;
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
		dropWritten(op.path());
		switch (op.kind()) {
			case PUT -> {
				put(op.path(), Kind.FILE);
				keepWritten(op.path(), op.data());
			}
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
		this.written.clear();
		this.writtenBytes = 0;
	}

	/**
	 * The bytes a commit wrote to a state file, when the file is still as that write left it
	 * (one {@code stat}: the same file, size and modification time).
	 * @param file a state file
	 * @return its bytes, or {@code null} when they are not kept or the file changed since
	 */
	byte @Nullable [] written(Path file) {
		Written kept = this.written.get(file);
		if (kept == null) {
			return null;
		}
		BasicFileAttributes now;
		try {
			now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException | RuntimeException ex) {
			dropWritten(file);
			return null;
		}
		if (!kept.matches(now)) {
			dropWritten(file);
			return null;
		}
		return kept.data();
	}

	/**
	 * Keeps a state file's bytes as written, with its attributes; never throws (it runs after the
	 * commit point): when they cannot be read the bytes are not kept.
	 */
	private void keepWritten(Path file, byte @Nullable [] data) {
		if (data == null || data.length > MAX_FILE_BYTES || file.startsWith(this.meta)) {
			return;
		}
		String name = file.getFileName().toString();
		if (name.startsWith(".") || !name.endsWith(this.dotExtension)) {
			return;
		}
		try {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			if (!attributes.isRegularFile() || attributes.size() != data.length) {
				return;
			}
			if (this.writtenBytes + data.length > MAX_BYTES) {
				this.written.clear();
				this.writtenBytes = 0;
			}
			this.written.put(file, new Written(data, attributes.fileKey(), attributes.lastModifiedTime(), data.length));
			this.writtenBytes += data.length;
		}
		catch (NoSuchFileException ex) {
			// gone already: nothing to keep
		}
		catch (IOException | RuntimeException ex) {
			// not kept: the next commit reads the file
		}
	}

	private void dropWritten(Path file) {
		Written dropped = this.written.remove(file);
		if (dropped != null) {
			this.writtenBytes -= dropped.data().length;
		}
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
		for (Iterator<Map.Entry<Path, Written>> it = this.written.entrySet().iterator(); it.hasNext();) {
			Map.Entry<Path, Written> kept = it.next();
			if (kept.getKey().startsWith(dir)) {
				this.writtenBytes -= kept.getValue().data().length;
				it.remove();
			}
		}
	}

	/** A state file's bytes as a commit wrote them, and its attributes just after. */
	private record Written(byte[] data, @Nullable Object fileKey, FileTime modified, long size) {

		boolean matches(BasicFileAttributes now) {
			return now.isRegularFile() && now.size() == this.size && Objects.equals(now.fileKey(), this.fileKey)
					&& now.lastModifiedTime().equals(this.modified);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Written that && Arrays.equals(this.data, that.data)
					&& Objects.equals(this.fileKey, that.fileKey) && this.modified.equals(that.modified)
					&& this.size == that.size;
		}

		@Override
		public int hashCode() {
			return Objects.hash(Arrays.hashCode(this.data), this.fileKey, this.modified, this.size);
		}

		@Override
		public String toString() {
			return "Written[" + this.size + " bytes]";
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
