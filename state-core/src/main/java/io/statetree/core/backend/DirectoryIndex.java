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
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

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
 * system, so a file a person edits or adds while the backend is open is seen by reads. On a
 * case-insensitive file system names are compared by listing ({@link FileEntries}), and nothing is
 * kept. Holds at most {@value #MAX_ENTRIES} names; past that it starts again empty (the next
 * lookups ask the disk).
 * <p>
 * <b>Outside edits.</b> A person may still add, delete or replace entries while the backend is
 * open. So the names of a directory are kept with that directory's {@link DirectoryStamp} as seen
 * right after the backend's own last change to it (or just before it first looked names up
 * there), and each plan ({@link #beginPlan}) uses them only after one {@code stat} of the
 * directory finds the same stamp; a directory found changed has its names dropped, and they are
 * asked of the disk again. Only the directories whose names a plan looks up are checked, each once
 * a plan. An operation in a directory that was not checked since the plan began keeps only what
 * the operation itself made there.
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

	/** The directories whose names are known: their stamp and each known name's kind. */
	private final Map<Path, Listing> listings = new HashMap<>();

	/** How many names the listings hold. */
	private int names;

	/** The directories whose stamp was checked since the plan began (or set by its operations). */
	private final Set<Path> checked = new HashSet<>();

	/** Whether stamps include the change time, inode and link count. */
	private final boolean unix;

	/** The state files written, with their bytes as the write left them. */
	private final Map<Path, Written> written = new HashMap<>();

	private long writtenBytes;

	/** The name state files end with ({@code .json}); none for the other files written. */
	private final String dotExtension;

	/** The backend's own directory: nothing in it is a state file. */
	private final Path meta;

	/** Lookups the disk answered (for tests and the counts in the README). */
	private long misses;

	/** Directories found changed by someone else (for tests). */
	private long stale;

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
		this.unix = DirectoryStamp.unix(meta);
	}

	/**
	 * Starts a plan: the names of each directory are checked against the disk (one {@code stat} of
	 * the directory) before the plan uses them.
	 */
	void beginPlan() {
		this.checked.clear();
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
		Listing listing = check(dir);
		Kind fileKind = (listing != null) ? listing.names.get(names.file()) : null;
		Kind subKind = (listing != null) ? listing.names.get(names.stem()) : null;
		if (fileKind == null || subKind == null) {
			Entry found = this.entries.entry(dir, names);
			this.misses++;
			if (listing != null) {
				if (fileKind == null) {
					put(listing, dir, names.file(), kindOf(found.file(), false));
				}
				if (subKind == null) {
					put(listing, dir, names.stem(), kindOf(found.dir(), true));
				}
			}
			return found;
		}
		return new Entry(asEntryKind(fileKind, false), asEntryKind(subKind, true));
	}

	/**
	 * The names known in a directory, once a {@code stat} of it this plan found it as they were
	 * kept (a directory found changed has its names dropped; one not known is stamped now, before
	 * its names are looked up).
	 * @return its listing, or {@code null} when it is not a directory now (nothing is then kept)
	 */
	private @Nullable Listing check(Path dir) {
		Listing listing = this.listings.get(dir);
		if (listing != null && this.checked.contains(dir)) {
			return listing;
		}
		DirectoryStamp now = DirectoryStamp.read(dir, this.unix);
		if (now == null) {
			drop(dir);
			return null;
		}
		if (listing != null && !listing.stamp.equals(now)) {
			this.stale++;
			drop(dir);
			listing = null;
		}
		if (listing == null) {
			listing = new Listing(now);
			this.listings.put(dir, listing);
		}
		this.checked.add(dir);
		return listing;
	}

	/** Drops what is known of a directory's names; what is known below them stays, stamped on its own. */
	private void drop(Path dir) {
		Listing dropped = this.listings.remove(dir);
		if (dropped != null) {
			this.names -= dropped.names.size();
		}
		this.checked.remove(dir);
	}

	/**
	 * Notes what an operation made of its path, once it is done.
	 * @param op the operation, applied
	 */
	void applied(Op op) {
		if (!this.enabled) {
			return;
		}
		Path path = op.path();
		Path dir = path.getParent();
		String name = path.getFileName().toString();
		dropWritten(path);
		if (!this.checked.contains(dir)) {
			// not checked this plan: what else it holds is asked of the disk again
			drop(dir);
		}
		Listing listing = this.listings.get(dir);
		Kind made = switch (op.kind()) {
			case PUT -> Kind.FILE;
			case MKDIR -> Kind.DIRECTORY;
			case DELETE -> Kind.ABSENT;
		};
		if (op.kind() == IntentLog.Kind.DELETE) {
			Kind was = (listing != null) ? listing.names.get(name) : null;
			if (was != Kind.FILE && was != Kind.ABSENT) {
				removeBelow(path);
			}
		}
		if (op.kind() == IntentLog.Kind.PUT) {
			keepWritten(path, op.data());
		}
		if (dir.startsWith(this.meta)) {
			return; // the backend's own files: no names kept
		}
		// the directory as this operation left it: a change by someone else after this is seen
		DirectoryStamp now = DirectoryStamp.read(dir, this.unix);
		if (now == null) {
			drop(dir);
			return;
		}
		if (listing == null) {
			listing = new Listing(now);
			this.listings.put(dir, listing);
		}
		listing.stamp = now;
		this.checked.add(dir);
		put(listing, dir, name, made);
	}

	/** Forgets everything: after an operation failed, what it left is asked of the disk again. */
	void forget() {
		this.listings.clear();
		this.names = 0;
		this.checked.clear();
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

	/** How many times a directory's kept names were dropped because someone else changed it. */
	long stale() {
		return this.stale;
	}

	/**
	 * What is known, for tests.
	 * @return a copy: each known path and what it is
	 */
	Map<Path, Kind> known() {
		Map<Path, Kind> known = new HashMap<>();
		for (Map.Entry<Path, Listing> listing : this.listings.entrySet()) {
			for (Map.Entry<String, Kind> name : listing.getValue().names.entrySet()) {
				known.put(listing.getKey().resolve(name.getKey()), name.getValue());
			}
		}
		return Map.copyOf(known);
	}

	private void put(Listing listing, Path dir, String name, Kind kind) {
		if (this.names >= MAX_ENTRIES && !listing.names.containsKey(name)) {
			this.listings.clear();
			this.names = 0;
			this.checked.clear();
			this.listings.put(dir, listing);
			listing.names.clear();
			this.checked.add(dir);
		}
		if (listing.names.put(name, kind) == null) {
			this.names++;
		}
	}

	/** Forgets a deleted directory and everything below it. */
	private void removeBelow(Path dir) {
		for (Iterator<Map.Entry<Path, Listing>> it = this.listings.entrySet().iterator(); it.hasNext();) {
			Map.Entry<Path, Listing> known = it.next();
			if (known.getKey().startsWith(dir)) {
				this.names -= known.getValue().names.size();
				this.checked.remove(known.getKey());
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

	/** A directory's known names, with its stamp as they were known. */
	private static final class Listing {

		DirectoryStamp stamp;

		final Map<String, Kind> names = new HashMap<>();

		Listing(DirectoryStamp stamp) {
			this.stamp = stamp;
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
