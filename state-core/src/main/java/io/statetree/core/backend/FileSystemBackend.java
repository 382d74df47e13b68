package io.statetree.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.FileNames.Names;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tree in a directory of human-readable files.
 * <p>
 * <b>Layout.</b> A value written at {@code /a/b} is one file {@code a/b.json} (or {@code .yaml}
 * with {@link Serializer#yaml()}), objects included; branches built from separate writes are
 * directories. A write below a file rewrites that file; a write above replaces what is under it;
 * at most one of {@code b.json} and {@code b/} exists. Writing {@code /} replaces the directory's
 * contents (each child of the new root becomes a file); the directory itself is never replaced.
 * Branches keep insertion order: each directory has a hidden {@code .order} file listing its
 * entries in creation order (entries it does not list, such as files a person added, follow in
 * name order).
 * <p>
 * <b>File names.</b> Segments are encoded into safe, reversible, plain-ASCII names: {@code %},
 * the characters Windows forbids, non-ASCII characters, a leading {@code .} or {@code ~}, a
 * trailing dot or space, the first letter of names Windows reserves ({@code CON}, {@code NUL}...)
 * and the dot before a trailing extension ({@code b.json} as a segment) become {@code %XX}
 * (UTF-8 bytes, upper-case hex). So {@code john.doe} and {@code john.smith} are
 * {@code john.doe.json} and {@code john.smith.json}, {@code café} is {@code caf%C3%A9.json}.
 * A name that would exceed 200 characters is stored as {@code ~} plus a hash, with the segment
 * kept in a hidden name file beside it. Names starting with {@code .} are the backend's own
 * (temp files, the {@code .statetree} directory); entries whose names are not valid encodings,
 * and symbolic links, are not part of the tree: they are ignored when reading and never followed.
 * <p>
 * <b>Case-insensitive file systems</b> (macOS, Windows) are detected when the backend opens. There,
 * names are looked up by listing the directory and comparing exactly, and a write that would
 * create a name differing only in case from an existing one ({@code /users/Alice} when
 * {@code /users/alice} exists) is refused with {@link StateWriteException}, so two paths never
 * share a file. Non-ASCII characters are encoded, so Unicode normalization cannot merge names.
 * <p>
 * <b>Crash safety.</b> Every file is written to a temp file in the same directory and renamed
 * over the target; the file and its directory are fsynced unless {@code fsync(false)}. A commit
 * that changes more than one entry (a subtree replace, a delete of a file and a directory, new
 * directories, a batch) first writes a write-ahead intent log ({@code .statetree/intent.log})
 * listing every file operation with its bytes; the log is replayed when the backend opens, so a
 * commit is either wholly applied or wholly absent after a crash. Without fsync this holds for
 * process crashes, not for power loss.
 * <p>
 * <b>Corruption.</b> A file that cannot be parsed raises {@link StateStorageException} naming the
 * file relative to the directory, with the line and column where parsing failed, never quoting
 * its content (nor the parser's message, which may), for reads and writes that touch it: reading
 * an ancestor fails with that exception rather than return a tree missing a child. The rest of the
 * tree keeps working: sibling paths read and write, and {@link #childNames} lists a branch without
 * parsing the files below it. The backend never rewrites or deletes such a file, except when
 * exactly its path is written or deleted.
 * <p>
 * <b>Containment.</b> Nothing outside the directory is ever created, written, read or deleted.
 * <p>
 * <b>One owner.</b> The backend locks its directory while it is open (an OS lock on
 * {@code .statetree/lock}, released by {@link #close()} or when the process ends, even by
 * {@code SIGKILL}). A second backend on the same directory, in this process or another one, fails
 * at once with {@link StateStorageException} naming the directory and the holder (process id,
 * host, when it opened it).
 * <p>
 * <b>Revisions</b> are stored in {@code .statetree/revision}, so they keep increasing across
 * restarts and crashes. Like a database sequence with a cache, the file is not written by every
 * commit: a commit that needs a revision above the stored one first stores that revision plus
 * {@value #REVISION_LEASE} - 1 (fsynced like any file), and {@link #close()} stores the exact
 * revision. So a clean restart goes on at the next revision, and a restart after a crash goes on
 * above every revision given out before it, skipping at most {@value #REVISION_LEASE}. A directory
 * written before revisions were stored starts at 0. Revisions a hybrid or cache in front reserves
 * ({@link #reserveRevision}) are stored the same way, so theirs keep increasing too.
 * <p>
 * Thread-safe: reads share a lock, commits take it exclusively, so a read sees one commit's
 * result wholly or not at all.
 */
public final class FileSystemBackend implements StateBackend {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	static final String META = ".statetree";

	static final String INTENT = "intent.log";

	static final String TRASH = "trash";

	/**
	 * The stored revision, decimal: the exact revision after a clean close, otherwise the ceiling
	 * of the revisions leased to commits (always at least the last commit's revision).
	 */
	static final String REVISION = "revision";

	/** The default of {@link Builder#maxFileBytes}: 64 MiB. */
	public static final int DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

	/** The longest name file: a segment of at most 255 UTF-8 bytes, with room to spare. */
	private static final int MAX_NAME_FILE_BYTES = 4096;

	/** How many revisions one write of the revision file covers. */
	static final int REVISION_LEASE = 100;

	/** Per directory: the stems of its entries in creation order, so branches keep insertion order. */
	static final String ORDER = ".order";

	private static final String TEMP_SUFFIX = ".sttmp";

	private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
		.startsWith("windows");

	private final Path directory;

	private final Path meta;

	private final Serializer serializer;

	private final String extension;

	private final String dotExtension;

	private final boolean fsync;

	private final int maxFileBytes;

	private final boolean caseInsensitive;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile long revision;

	/** The revision stored in the revision file; commits up to it need no write of it. */
	private long storedRevision;

	/** The highest revision a backend in front of this one reserved ({@link #reserveRevision}). */
	private long reservedRevision;

	private volatile boolean closed;

	private final DirectoryLock directoryLock;

	/**
	 * Opens (creating if needed) a directory with the JSON format and fsync on.
	 * @param directory the directory
	 * @throws StateStorageException naming the directory if it cannot be created or written, its
	 * intent log cannot be replayed, or another backend (in this or another process) holds it,
	 * naming the holder
	 */
	public FileSystemBackend(Path directory) {
		this(builder(directory));
	}

	/**
	 * Opens (creating if needed) a directory with fsync on.
	 * @param directory the directory
	 * @param serializer the file format
	 * @throws StateStorageException naming the directory if it cannot be created or written, its
	 * intent log cannot be replayed, or another backend (in this or another process) holds it,
	 * naming the holder
	 */
	public FileSystemBackend(Path directory, Serializer serializer) {
		this(builder(directory).serializer(serializer));
	}

	private FileSystemBackend(Builder builder) {
		this.directory = builder.directory.toAbsolutePath().normalize();
		this.serializer = builder.serializer;
		this.extension = checkExtension(this.serializer.extension());
		this.dotExtension = "." + this.extension;
		this.fsync = builder.fsync;
		this.maxFileBytes = builder.maxFileBytes;
		this.meta = this.directory.resolve(META);
		checkNotInside(this.directory);
		// a directory used before is checked under its lock, so a second opener is refused at once
		// rather than after a walk of the whole tree; a new one before .statetree is created in it
		boolean used = Files.isDirectory(this.meta, LinkOption.NOFOLLOW_LINKS);
		if (!used) {
			checkHoldsNone();
		}
		try {
			Files.createDirectories(this.directory);
			if (!Files.isDirectory(this.directory)) {
				throw new IOException("not a directory");
			}
			if (Files.isSymbolicLink(this.meta)) {
				// followed, the lock, revision, intent log and trash would live outside the directory
				throw new IOException(META + " is a symbolic link; it must be a directory of its own");
			}
			Files.createDirectories(this.meta.resolve(TRASH));
			Path probe = Files.createTempFile(this.meta, "probe", TEMP_SUFFIX);
			Files.delete(probe);
		}
		catch (IOException | RuntimeException ex) {
			throw new StateStorageException("Cannot use state directory " + this.directory
					+ ": it cannot be created or written (" + ex + ")", ex);
		}
		this.caseInsensitive = (builder.caseInsensitive != null) ? builder.caseInsensitive
				: Files.exists(this.directory.resolve(META.toUpperCase(Locale.ROOT)), LinkOption.NOFOLLOW_LINKS);
		this.directoryLock = DirectoryLock.acquire(this.directory, this.meta);
		try {
			checkNotInside(this.directory);
			if (used) {
				checkHoldsNone();
			}
			recover();
			this.revision = readRevision();
			this.storedRevision = this.revision;
		}
		catch (RuntimeException ex) {
			this.directoryLock.close();
			throw ex;
		}
	}

	/**
	 * Refuses a directory holding another state directory below it: both backends would own the
	 * same files (this one would read the other's data as its own branch and delete it, lock
	 * file included, when that branch is replaced). In a new state directory it runs before
	 * anything is created, so a refused open leaves no {@code .statetree} behind (which would
	 * refuse the inner directory next); in one used before, under the lock.
	 * The converse, {@link #checkNotInside}, runs again once this backend's own {@code .statetree}
	 * exists, so of two nested directories opened at the same moment the inner one is refused.
	 */
	private void checkHoldsNone() {
		if (!Files.isDirectory(this.directory)) {
			return;
		}
		Path[] found = new Path[1];
		try {
			Files.walkFileTree(this.directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
					if (dir.equals(FileSystemBackend.this.meta)) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					if (dir.getFileName() != null && dir.getFileName().toString().equals(META)) {
						found[0] = dir.getParent();
						return FileVisitResult.TERMINATE;
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) {
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list state directory " + this.directory + ": " + ex, ex);
		}
		if (found[0] != null) {
			throw StateDirectoryLockedException.nested(this.directory, found[0], false);
		}
	}

	/**
	 * Refuses a directory (existing or not) that lies inside a state directory, before anything
	 * is created in it, so a refused open leaves no trace in the other directory's tree.
	 */
	private static void checkNotInside(Path directory) {
		Path existing = directory;
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return;
		}
		Path real;
		try {
			real = existing.toRealPath();
		}
		catch (IOException ex) {
			return; // reported by the creation of the directory
		}
		// the directory's own .statetree is its own; every existing ancestor's would be another's
		for (Path up = existing.equals(directory) ? real.getParent() : real; up != null; up = up.getParent()) {
			if (Files.isDirectory(up.resolve(META), LinkOption.NOFOLLOW_LINKS)) {
				throw StateDirectoryLockedException.nested(directory, up, true);
			}
		}
	}

	private static String checkExtension(String extension) {
		if (extension.isEmpty() || extension.length() > 10 || !extension.chars().allMatch(c -> (c >= 'a' && c <= 'z')
				|| (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			throw new IllegalArgumentException("Serializer extension '" + extension
					+ "' must be 1 to 10 ASCII letters or digits");
		}
		return extension;
	}

	/**
	 * Starts a builder.
	 * @param directory the directory to keep the tree in
	 * @return a builder with the JSON format and fsync on
	 */
	public static Builder builder(Path directory) {
		return new Builder(directory);
	}

	/**
	 * Returns the directory the tree is kept in.
	 * @return the absolute, normalized directory
	 */
	public Path directory() {
		return this.directory;
	}

	// ---- reading ----

	@Override
	public @Nullable Object read(StatePath path) {
		this.lock.readLock().lock();
		try {
			checkOpen();
			return readLocked(path);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private @Nullable Object readLocked(StatePath path) {
		Located located = locate(path);
		return (located.directory() != null) ? readDirectory(located.directory()) : located.value();
	}

	/**
	 * Where a path's value lives: a directory (a branch built from separate writes), or inside a
	 * file (parsed, only that file), or nowhere.
	 * @param directory the path's directory, or {@code null} when the value is in a file or absent
	 * @param value the value read from the file holding the path, or {@code null}
	 */
	private record Located(@Nullable Path directory, @Nullable Object value) {
	}

	/** Walks from the root to a path, parsing at most the one file that holds it. */
	private Located locate(StatePath path) {
		Path dir = this.directory;
		int depth = path.depth();
		for (int i = 0; i < depth; i++) {
			Names names = names(path.segment(i));
			Entry entry = entry(dir, names);
			if (entry.file == EntryKind.DATA && entry.dir == EntryKind.DATA) {
				throw ambiguous(dir, names);
			}
			if (entry.file == EntryKind.DATA) {
				Object value = parse(dir.resolve(names.file()));
				return new Located(null,
						(i == depth - 1) ? value : StateValues.getIn(value, path.prefix(i + 1).relativize(path)));
			}
			if (entry.dir != EntryKind.DATA) {
				return new Located(null, null);
			}
			dir = dir.resolve(names.stem());
		}
		return new Located(dir, null);
	}

	private Map<String, Object> readDirectory(Path dir) {
		Map<String, Object> values = new LinkedHashMap<>();
		for (Map.Entry<String, Child> child : listDirectory(dir).entrySet()) {
			Child entry = child.getValue();
			values.put(child.getKey(), entry.directory() ? readDirectory(entry.path()) : parse(entry.path()));
		}
		return StateValues.branch(values);
	}

	/** An entry of a directory that is part of the tree. */
	private record Child(Path path, boolean directory) {
	}

	/**
	 * Lists the entries of a directory that are part of the tree, by segment, in the branch's
	 * order, without parsing any file.
	 */
	private Map<String, Child> listDirectory(Path dir) {
		TreeMap<String, Child> children = new TreeMap<>();
		Map<String, String> stems = new HashMap<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if (name.startsWith(".")) {
					continue;
				}
				BasicFileAttributes attributes = attributes(child);
				if (attributes == null) {
					continue;
				}
				String segment;
				boolean directory;
				if (attributes.isRegularFile() && name.endsWith(this.dotExtension)) {
					segment = decode(dir, name.substring(0, name.length() - this.dotExtension.length()));
					directory = false;
				}
				else if (attributes.isDirectory()) {
					segment = decode(dir, name);
					directory = true;
				}
				else {
					continue;
				}
				if (segment == null) {
					continue;
				}
				if (children.put(segment, new Child(child, directory)) != null) {
					throw ambiguous(dir, names(segment));
				}
				stems.put(names(segment).stem(), segment);
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + relative(dir) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		if (children.size() < 2) {
			return children;
		}
		Map<String, Child> ordered = new LinkedHashMap<>();
		for (String stem : readOrder(dir)) {
			String segment = stems.get(stem);
			if (segment != null) {
				ordered.put(segment, children.remove(segment));
			}
		}
		ordered.putAll(children);
		return ordered;
	}

	/**
	 * Lists a branch's children by listing its directory, so no file below it is parsed; a path
	 * inside a file parses that file only.
	 */
	@Override
	public List<String> childNames(StatePath path) {
		this.lock.readLock().lock();
		try {
			checkOpen();
			Located located = locate(path);
			return (located.directory() != null) ? List.copyOf(listDirectory(located.directory()).keySet())
					: childNamesOf(located.value());
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * The names of a value's children.
	 * @param value a model value or {@code null}
	 * @return the keys of a branch in order; empty for anything else
	 */
	static List<String> childNamesOf(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return List.of();
		}
		List<String> names = new ArrayList<>(map.size());
		for (Object key : map.keySet()) {
			names.add((String) key);
		}
		return Collections.unmodifiableList(names);
	}

	/** The stems of a directory's entries in the order they were created (possibly stale). */
	private List<String> readOrder(Path dir) {
		Path file = dir.resolve(ORDER);
		try {
			BasicFileAttributes attributes = attributes(file);
			if (attributes == null || !attributes.isRegularFile()) {
				return List.of();
			}
			String text = new String(readLimited(file, this.maxFileBytes, "order file"), StandardCharsets.UTF_8);
			return text.isEmpty() ? List.of() : List.of(text.split("\n"));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read order file " + relative(file) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	private @Nullable String decode(Path dir, String stem) {
		if (!FileNames.isHashed(stem)) {
			return FileNames.decode(stem, this.extension);
		}
		Path nameFile = dir.resolve("." + stem + FileNames.NAME_FILE_SUFFIX);
		String segment = null;
		try {
			BasicFileAttributes attributes = attributes(nameFile);
			if (attributes != null && attributes.isRegularFile()) {
				segment = new String(readLimited(nameFile, MAX_NAME_FILE_BYTES, "name file"), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read name file " + relative(nameFile) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		if (segment == null || !names(segment).stem().equals(stem)) {
			throw new StateStorageException("Cannot tell which name " + relative(dir.resolve(stem))
					+ " stands for: its name file " + relative(nameFile) + " is missing or does not match");
		}
		return segment;
	}

	/**
	 * Reads a whole file of at most {@code limit} bytes. {@link Files#readAllBytes} would try
	 * to hold any file in memory: a 3 GB file threw {@link OutOfMemoryError} out of every read
	 * of it and its ancestors.
	 * @throws StateStorageException naming the file (relative) and its size when it is longer
	 */
	private byte[] readLimited(Path file, int limit, String what) throws IOException {
		try (java.io.InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
			byte[] bytes = in.readNBytes(limit);
			if (bytes.length == limit && in.read() >= 0) {
				long size;
				try {
					size = Files.size(file);
				}
				catch (IOException ex) {
					size = -1;
				}
				throw new UnparsableFileException(file, "Cannot read " + what + " " + relative(file) + ": it holds "
						+ ((size > limit) ? size + " bytes" : "more bytes") + ", more than the " + limit
						+ " a file of this state directory may hold (FileSystemBackend.Builder.maxFileBytes)");
			}
			return bytes;
		}
	}

	private Object parse(Path file) {
		byte[] bytes;
		try {
			bytes = readLimited(file, this.maxFileBytes, "state file");
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read state file " + relative(file) + " in state directory "
					+ this.directory + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		Object value;
		try {
			value = this.serializer.read(bytes);
		}
		catch (RuntimeException ex) {
			throw new UnparsableFileException(file, "Cannot parse state file " + relative(file) + ": " + whyUnparsable(ex));
		}
		if (value == null) {
			throw new UnparsableFileException(file, "Cannot parse state file " + relative(file) + ": it holds no value");
		}
		return value;
	}

	/**
	 * Why a file could not be parsed, without quoting any of its content: the parser's own message
	 * (and its cause) may quote the offending text, so neither is kept; a document error gives
	 * the line and column, a value StateTree refuses gives StateTree's own message.
	 */
	private String whyUnparsable(RuntimeException ex) {
		if (ex instanceof JacksonSerializer.MalformedDocumentException malformed) {
			return malformed.getMessage();
		}
		if (ex instanceof StateValueException && ex.getCause() == null) {
			return "it holds a value StateTree refuses: " + ex.getMessage();
		}
		if (ex instanceof InvalidPathException) {
			// its message names the key, which is the file's content
			return "it holds an object key StateTree refuses as a path segment (empty, . or .., with /, a control"
					+ " character, a pattern such as * or {x}, or over 255 UTF-8 bytes)";
		}
		return "the " + this.extension + " serializer failed (" + ex.getClass().getName() + ")";
	}

	/**
	 * A path inside the directory as people read it in messages: relative to the directory, with
	 * {@code /} separators (so messages never reveal where the directory is).
	 * @param path a path inside the directory
	 * @return e.g. {@code users/alice.json}
	 */
	String relative(Path path) {
		if (!path.startsWith(this.directory)) {
			return path.getFileName().toString();
		}
		StringBuilder text = new StringBuilder();
		for (Path part : this.directory.relativize(path)) {
			if (text.length() > 0) {
				text.append('/');
			}
			text.append(part);
		}
		return (text.length() == 0) ? "." : text.toString();
	}

	private StateStorageException ambiguous(Path dir, Names names) {
		return new UnparsableFileException(dir.resolve(names.file()), "Both " + relative(dir.resolve(names.file()))
				+ " and the directory " + relative(dir.resolve(names.stem()))
				+ " exist for the same name; remove one of them (or write that path)");
	}

	// ---- entries ----

	private enum EntryKind {

		ABSENT, DATA, FOREIGN

	}

	private record Entry(EntryKind file, EntryKind dir) {

		static final Entry NONE = new Entry(EntryKind.ABSENT, EntryKind.ABSENT);

	}

	private Names names(String segment) {
		return FileNames.names(segment, this.extension);
	}

	private Entry entry(Path dir, Names names) {
		if (!this.caseInsensitive) {
			return new Entry(kind(dir.resolve(names.file()), false), kind(dir.resolve(names.stem()), true));
		}
		EntryKind file = EntryKind.ABSENT;
		EntryKind sub = EntryKind.ABSENT;
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if (name.equals(names.file())) {
					file = kind(child, false);
				}
				else if (name.equals(names.stem())) {
					sub = kind(child, true);
				}
			}
		}
		catch (NoSuchFileException ex) {
			return Entry.NONE;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
		}
		return new Entry(file, sub);
	}

	private static EntryKind kind(Path path, boolean directory) {
		BasicFileAttributes attributes = attributes(path);
		if (attributes == null) {
			return EntryKind.ABSENT;
		}
		boolean data = directory ? attributes.isDirectory() : attributes.isRegularFile();
		return data ? EntryKind.DATA : EntryKind.FOREIGN;
	}

	private static @Nullable BasicFileAttributes attributes(Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read attributes of " + path + ": " + ex, ex);
		}
	}

	/** On a case-insensitive file system, refuses a new name that matches another one but for case. */
	private void checkNoCaseCollision(Path dir, Names names, StatePath path) {
		if (!this.caseInsensitive) {
			return;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			for (Path child : stream) {
				String name = child.getFileName().toString();
				if ((name.equalsIgnoreCase(names.file()) && !name.equals(names.file()))
						|| (name.equalsIgnoreCase(names.stem()) && !name.equals(names.stem()))) {
					throw new StateWriteException("Cannot write " + path + ": the file system of " + dir
							+ " ignores case and already holds " + name + " for a different name");
				}
			}
		}
		catch (NoSuchFileException ex) {
			// a directory this commit creates: nothing to collide with
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
		}
	}

	// ---- committing ----

	@Override
	public CommitResult commit(CommitRequest request) {
		this.lock.writeLock().lock();
		try {
			checkOpen();
			for (Precondition precondition : request.preconditions()) {
				if (!StateValues.equal(readLocked(precondition.path()), precondition.expected())) {
					throw new PreconditionFailedException(precondition.path());
				}
			}
			List<Write> writes = request.writes();
			Map<StatePath, @Nullable Object> payloads = TreeChanges.lastPayloads(writes);
			Map<StatePath, @Nullable Object> before = new LinkedHashMap<>();
			boolean changed = false;
			for (StatePath path : payloads.keySet()) {
				try {
					before.put(path, readLocked(path));
				}
				catch (UnparsableFileException ex) {
					if (path.isRoot() || !ex.file.equals(fileOf(path))) {
						throw ex;
					}
					logger.warn("Replacing the unreadable state file {} written at {}; its old value is reported as absent",
							relative(ex.file), path);
					before.put(path, null);
					changed = true;
				}
			}
			Plan plan = new Plan();
			for (Write write : writes) {
				plan.apply(write);
			}
			List<Change> changes = TreeChanges.fromValuesBefore(payloads, before, writes);
			if (!changed && TreeChanges.unchanged(changes)) {
				return new CommitResult(this.revision, changes);
			}
			List<Op> ops = new ArrayList<>();
			plan.emit(plan.root, ops);
			long next = this.revision + 1;
			// before any file of the commit, so the stored revision is never below a commit that is there
			storeAtLeast(next);
			execute(ops);
			this.revision = next;
			return new CommitResult(next, changes);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	private @Nullable Path fileOf(StatePath path) {
		Path dir = this.directory;
		for (int i = 0; i < path.depth() - 1; i++) {
			dir = dir.resolve(names(path.segment(i)).stem());
		}
		return dir.resolve(names(path.name()).file());
	}

	/** The planned state of the tree: what the commit's writes make of the entries they touch. */
	private final class Plan {

		final DirNode root = new DirNode(FileSystemBackend.this.directory, true);

		void apply(Write write) {
			StatePath path = write.path();
			Object value = write.value();
			if (path.isRoot()) {
				if (value != null && !StateValues.isBranch(value)) {
					throw new StateWriteException("Cannot write " + describe(value) + " at /: the root is always a branch");
				}
				this.root.clear();
				if (value != null) {
					for (Map.Entry<?, ?> child : ((Map<?, ?>) value).entrySet()) {
						Slot slot = this.root.slot((String) child.getKey());
						slot.node = new FileNode(null, child.getValue());
						slot.changed = true;
					}
				}
				return;
			}
			DirNode dir = this.root;
			int depth = path.depth();
			for (int i = 0; i < depth; i++) {
				Slot slot = dir.slot(path.segment(i));
				if (i == depth - 1) {
					slot.node = (value != null) ? new FileNode(null, value) : AbsentNode.INSTANCE;
					slot.changed = true;
					if (value != null && slot.file != EntryKind.DATA && slot.dir != EntryKind.DATA) {
						checkNoCaseCollision(dir.path, slot.names, path);
					}
					return;
				}
				Node node = slot.node;
				if (node == AmbiguousNode.INSTANCE) {
					throw ambiguous(dir.path, slot.names);
				}
				if (node instanceof FileNode file) {
					Object current = file.value();
					StatePath prefix = path.prefix(i + 1);
					Object updated = StateValues.setIn(current, prefix, prefix.relativize(path), value);
					if (updated != current) {
						file.value = updated;
						slot.changed = true;
					}
					return;
				}
				if (node instanceof DirNode sub) {
					dir = sub;
					continue;
				}
				if (value == null) {
					return;
				}
				checkNoCaseCollision(dir.path, slot.names, path);
				DirNode created = new DirNode(dir.path.resolve(slot.names.stem()), false);
				slot.node = created;
				slot.changed = true;
				dir = created;
			}
		}

		void emit(DirNode dir, List<Op> ops) {
			if (dir.cleared && dir.onDisk) {
				emitClear(dir.path, ops);
			}
			emitOrder(dir, ops);
			for (Slot slot : dir.slots.values()) {
				Path file = dir.path.resolve(slot.names.file());
				Path sub = dir.path.resolve(slot.names.stem());
				Node node = slot.node;
				if (!slot.changed) {
					if (node instanceof DirNode existing) {
						emit(existing, ops);
					}
					continue;
				}
				if (node instanceof FileNode fileNode) {
					if (slot.dir == EntryKind.DATA) {
						ops.add(new Op(Kind.DELETE, sub, null, true));
					}
					addNameFile(dir, slot, ops);
					ops.add(new Op(Kind.PUT, file, serialize(fileNode.value(), file), true));
				}
				else if (node instanceof DirNode created) {
					if (slot.file == EntryKind.DATA) {
						ops.add(new Op(Kind.DELETE, file, null, true));
					}
					if (slot.dir != EntryKind.ABSENT) {
						ops.add(new Op(Kind.DELETE, sub, null, true));
					}
					addNameFile(dir, slot, ops);
					ops.add(new Op(Kind.MKDIR, sub, null, true));
					emit(created, ops);
				}
				else {
					boolean deleted = false;
					if (slot.file == EntryKind.DATA) {
						ops.add(new Op(Kind.DELETE, file, null, true));
						deleted = true;
					}
					if (slot.dir == EntryKind.DATA) {
						ops.add(new Op(Kind.DELETE, sub, null, true));
						deleted = true;
					}
					if (deleted && slot.names.hashed()) {
						ops.add(new Op(Kind.DELETE, dir.path.resolve(slot.names.nameFile()), null, false));
					}
				}
			}
		}

		/** Keeps the directory's order file up to date when entries are created or deleted. */
		private void emitOrder(DirNode dir, List<Op> ops) {
			List<String> created = new ArrayList<>();
			Set<String> removed = new HashSet<>();
			for (Slot slot : dir.slots.values()) {
				if (!slot.changed) {
					continue;
				}
				boolean existed = slot.file == EntryKind.DATA || slot.dir == EntryKind.DATA;
				boolean exists = slot.node instanceof FileNode || slot.node instanceof DirNode;
				if (exists && !existed) {
					created.add(slot.names.stem());
					removed.add(slot.names.stem());
				}
				else if (existed && !exists) {
					removed.add(slot.names.stem());
				}
			}
			if (created.isEmpty() && removed.isEmpty() && !dir.cleared) {
				return;
			}
			List<String> order = new ArrayList<>();
			if (!dir.cleared && dir.onDisk) {
				for (String stem : readOrder(dir.path)) {
					if (!removed.contains(stem)) {
						order.add(stem);
					}
				}
			}
			order.addAll(created);
			ops.add(new Op(Kind.PUT, dir.path.resolve(ORDER), String.join("\n", order).getBytes(StandardCharsets.UTF_8),
					false));
		}

		private void addNameFile(DirNode dir, Slot slot, List<Op> ops) {
			if (slot.names.hashed()) {
				ops.add(new Op(Kind.PUT, dir.path.resolve(slot.names.nameFile()),
						slot.names.segment().getBytes(StandardCharsets.UTF_8), false));
			}
		}

		private void emitClear(Path dir, List<Op> ops) {
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
				for (Path child : stream) {
					String name = child.getFileName().toString();
					if (name.startsWith(".")) {
						if (name.endsWith(FileNames.NAME_FILE_SUFFIX)
								&& FileNames.isHashed(name.substring(1, name.length() - FileNames.NAME_FILE_SUFFIX.length()))) {
							ops.add(new Op(Kind.DELETE, child, null, false));
						}
						continue;
					}
					BasicFileAttributes attributes = attributes(child);
					if (attributes == null) {
						continue;
					}
					String stem = null;
					if (attributes.isRegularFile() && name.endsWith(FileSystemBackend.this.dotExtension)) {
						stem = name.substring(0, name.length() - FileSystemBackend.this.dotExtension.length());
					}
					else if (attributes.isDirectory()) {
						stem = name;
					}
					if (stem != null && (FileNames.isHashed(stem) || FileNames.decode(stem, FileSystemBackend.this.extension) != null)) {
						ops.add(new Op(Kind.DELETE, child, null, true));
					}
				}
			}
			catch (IOException ex) {
				throw new StateStorageException("Cannot list directory " + dir + ": " + ex, ex);
			}
		}

	}

	private abstract static sealed class Node permits DirNode, FileNode, AbsentNode, AmbiguousNode {

	}

	private final class DirNode extends Node {

		final Path path;

		final boolean onDisk;

		boolean cleared;

		final Map<String, Slot> slots = new LinkedHashMap<>();

		DirNode(Path path, boolean onDisk) {
			this.path = path;
			this.onDisk = onDisk;
		}

		void clear() {
			this.cleared = true;
			this.slots.clear();
		}

		Slot slot(String segment) {
			Slot slot = this.slots.get(segment);
			if (slot == null) {
				Names names = names(segment);
				Entry entry = (this.onDisk && !this.cleared) ? entry(this.path, names) : Entry.NONE;
				slot = new Slot(names, entry.file(), entry.dir());
				if (entry.file() == EntryKind.DATA && entry.dir() == EntryKind.DATA) {
					slot.node = AmbiguousNode.INSTANCE;
				}
				else if (entry.file() == EntryKind.DATA) {
					slot.node = new FileNode(this.path.resolve(names.file()), null);
				}
				else if (entry.dir() == EntryKind.DATA) {
					slot.node = new DirNode(this.path.resolve(names.stem()), true);
				}
				this.slots.put(segment, slot);
			}
			return slot;
		}

	}

	private final class FileNode extends Node {

		private final @Nullable Path source;

		@Nullable Object value;

		FileNode(@Nullable Path source, @Nullable Object value) {
			this.source = source;
			this.value = value;
		}

		Object value() {
			if (this.value == null) {
				this.value = parse(this.source);
			}
			return this.value;
		}

	}

	private static final class AbsentNode extends Node {

		static final AbsentNode INSTANCE = new AbsentNode();

	}

	private static final class AmbiguousNode extends Node {

		static final AmbiguousNode INSTANCE = new AmbiguousNode();

	}

	/** One name in a planned directory: what is on disk, and what the commit makes of it. */
	private static final class Slot {

		final Names names;

		final EntryKind file;

		final EntryKind dir;

		Node node = AbsentNode.INSTANCE;

		boolean changed;

		Slot(Names names, EntryKind file, EntryKind dir) {
			this.names = names;
			this.file = file;
			this.dir = dir;
		}

	}

	private byte[] serialize(Object value, Path file) {
		byte[] bytes;
		try {
			bytes = this.serializer.write(value);
		}
		catch (RuntimeException ex) {
			throw new StateStorageException("Cannot serialize the value for " + relative(file) + " as " + this.extension
					+ " (" + ex.getClass().getName() + ")", ex);
		}
		if (bytes.length > this.maxFileBytes) {
			throw new StateWriteException("Cannot write " + relative(file) + ": the value takes " + bytes.length
					+ " bytes as " + this.extension + ", more than the " + this.maxFileBytes
					+ " a file of this state directory may hold (FileSystemBackend.Builder.maxFileBytes)");
		}
		return bytes;
	}

	private static String describe(Object value) {
		return (value instanceof List<?>) ? "an array" : "a " + value.getClass().getSimpleName();
	}

	// ---- applying file operations ----

	private void execute(List<Op> ops) {
		if (ops.isEmpty()) {
			return;
		}
		long visible = ops.stream().filter(Op::visible).count();
		if (visible <= 1) {
			applyAll(ops);
			return;
		}
		Path log = this.meta.resolve(INTENT);
		try {
			writeAtomically(log, IntentLog.encode(this.directory, ops));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the intent log " + log + "; nothing was written: " + ex, ex);
		}
		applyAll(ops);
		try {
			Files.delete(log);
			syncDirectory(this.meta);
		}
		catch (IOException ex) {
			throw new StateStorageException("Committed, but cannot remove the intent log " + log
					+ " (it will be replayed at the next start): " + ex, ex);
		}
	}

	private void applyAll(List<Op> ops) {
		Set<Path> directories = new LinkedHashSet<>();
		for (Op op : ops) {
			try {
				apply(op);
			}
			catch (IOException ex) {
				throw new StateStorageException("Cannot " + op.kind().name().toLowerCase(Locale.ROOT) + " " + op.path()
						+ ": " + ex, ex);
			}
			if (op.kind() != Kind.PUT) {
				directories.add(op.path().getParent());
			}
			if (op.kind() == Kind.MKDIR) {
				directories.add(op.path());
			}
		}
		for (Path dir : directories) {
			try {
				syncDirectory(dir);
			}
			catch (IOException ex) {
				throw new StateStorageException("Cannot sync directory " + dir + ": " + ex, ex);
			}
		}
	}

	private void apply(Op op) throws IOException {
		checkInside(op.path());
		switch (op.kind()) {
			case PUT -> writeAtomically(op.path(), op.data());
			case MKDIR -> {
				try {
					Files.createDirectory(op.path());
				}
				catch (FileAlreadyExistsException ex) {
					if (!Files.isDirectory(op.path(), LinkOption.NOFOLLOW_LINKS)) {
						throw ex;
					}
				}
			}
			case DELETE -> delete(op.path());
		}
	}

	private void checkInside(Path path) {
		if (!path.startsWith(this.directory) || path.equals(this.directory)) {
			throw new IllegalStateException("Refusing to touch " + path + ": it is not inside " + this.directory);
		}
	}

	private void delete(Path path) throws IOException {
		BasicFileAttributes attributes = attributes(path);
		if (attributes == null) {
			return;
		}
		if (!attributes.isDirectory()) {
			Files.deleteIfExists(path);
			return;
		}
		Path trash = this.meta.resolve(TRASH).resolve(UUID.randomUUID().toString());
		try {
			Files.move(path, trash, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException ex) {
			deleteTree(path);
			return;
		}
		if (this.fsync) {
			syncDirectory(path.getParent());
		}
		deleteTree(trash);
	}

	private static void deleteTree(Path root) throws IOException {
		if (attributes(root) == null) {
			return;
		}
		Files.walkFileTree(root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.deleteIfExists(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
				if (exc != null) {
					throw exc;
				}
				Files.deleteIfExists(dir);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	/**
	 * Writes a file through a temp file in the same directory and a rename, fsyncing the file
	 * first when enabled. The rename replaces a symbolic link rather than writing through it.
	 */
	private void writeAtomically(Path target, byte @Nullable [] data) throws IOException {
		Path temp = target.resolveSibling("." + target.getFileName() + "."
				+ Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL) + TEMP_SUFFIX);
		try {
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				ByteBuffer buffer = ByteBuffer.wrap((data != null) ? data : new byte[0]);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				if (this.fsync) {
					channel.force(true);
				}
			}
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException | RuntimeException ex) {
			try {
				Files.deleteIfExists(temp);
			}
			catch (IOException cleanup) {
				ex.addSuppressed(cleanup);
			}
			throw ex;
		}
		syncDirectory(target.getParent());
	}

	private void syncDirectory(Path dir) throws IOException {
		if (!this.fsync || WINDOWS) {
			return;
		}
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	// ---- recovery ----

	private void recover() {
		Path log = this.meta.resolve(INTENT);
		try {
			if (Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
				List<Op> ops = IntentLog.decode(this.directory, Files.readAllBytes(log), log);
				logger.info("Replaying the intent log {} ({} file operations) of a commit interrupted by a crash", log,
						ops.size());
				applyAll(ops);
				Files.delete(log);
				syncDirectory(this.meta);
			}
			deleteTree(this.meta.resolve(TRASH));
			Files.createDirectories(this.meta.resolve(TRASH));
			Files.walkFileTree(this.directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					String name = file.getFileName().toString();
					if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX) && attrs.isRegularFile()) {
						Files.deleteIfExists(file);
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot recover state directory " + this.directory + ": " + ex, ex);
		}
	}

	@Override
	public void reserveRevision(long revision) {
		this.lock.writeLock().lock();
		try {
			checkOpen();
			this.reservedRevision = Math.max(this.reservedRevision, revision);
			storeAtLeast(revision);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Makes the stored revision at least the given one, leasing {@value #REVISION_LEASE} at a time. */
	private void storeAtLeast(long revision) {
		if (revision <= this.storedRevision) {
			return;
		}
		long lease = revision + REVISION_LEASE - 1;
		try {
			writeAtomically(this.meta.resolve(REVISION), revisionBytes(lease));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the revision file " + META + "/" + REVISION
					+ " of state directory " + this.directory + "; nothing was written: " + ex, ex);
		}
		this.storedRevision = lease;
	}

	private static byte[] revisionBytes(long revision) {
		return (revision + "\n").getBytes(StandardCharsets.UTF_8);
	}

	/** The stored revision: 0 for a new directory (or one written before revisions were stored). */
	private long readRevision() {
		Path file = this.meta.resolve(REVISION);
		String text;
		try {
			BasicFileAttributes attributes = attributes(file);
			if (attributes == null) {
				return 0;
			}
			if (!attributes.isRegularFile() || attributes.size() > 64) {
				throw new IOException("not a small regular file");
			}
			text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot read the revision file " + META + "/" + REVISION
					+ " of state directory " + this.directory + ": " + ex.getClass().getSimpleName(), ex);
		}
		try {
			long revision = Long.parseLong(text);
			if (revision >= 0) {
				return revision;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new StateStorageException("The revision file " + META + "/" + REVISION + " of state directory "
				+ this.directory + " does not hold a revision number; it is only damaged when the disk lost data"
				+ " (or fsync was off). Delete it to open the directory with revisions counting from 0");
	}

	// ---- the rest of the SPI ----

	@Override
	public long revision() {
		return this.revision;
	}

	@Override
	public void check() {
		checkOpen();
		try {
			Path probe = Files.createTempFile(this.meta, "check", TEMP_SUFFIX);
			Files.delete(probe);
		}
		catch (IOException ex) {
			throw new StateStorageException("State directory " + this.directory + " is not writable: " + ex, ex);
		}
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", "filesystem");
		description.put("directory", this.directory.toString());
		description.put("format", this.extension);
		description.put("fsync", this.fsync);
		return description;
	}

	/**
	 * Stores the exact revision and releases the directory lock, so another backend may open the
	 * directory. Idempotent; waits for a commit in progress.
	 */
	@Override
	public void close() {
		this.lock.writeLock().lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			long exact = Math.max(this.revision, this.reservedRevision);
			if (this.storedRevision != exact) {
				try {
					writeAtomically(this.meta.resolve(REVISION), revisionBytes(exact));
				}
				catch (IOException ex) {
					logger.warn("Cannot store the revision of state directory {} at close; it reopens at revision {}: {}",
							this.directory, this.storedRevision, ex.toString());
				}
			}
			this.directoryLock.close();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The FileSystemBackend for " + this.directory + " is closed");
		}
	}

	@Override
	public String toString() {
		return "FileSystemBackend[" + this.directory + ", " + this.extension + (this.fsync ? "" : ", no fsync") + "]";
	}

	/** A state file that could not be parsed. */
	static final class UnparsableFileException extends StateStorageException {

		private static final long serialVersionUID = 1L;

		final transient Path file;

		UnparsableFileException(Path file, String message) {
			super(message);
			this.file = file;
		}

	}

	/**
	 * Configures a {@link FileSystemBackend}.
	 */
	public static final class Builder {

		private final Path directory;

		private Serializer serializer = Serializer.json();

		private boolean fsync = true;

		private @Nullable Boolean caseInsensitive;

		private int maxFileBytes = DEFAULT_MAX_FILE_BYTES;

		private Builder(Path directory) {
			this.directory = directory;
		}

		/**
		 * Sets the file format.
		 * @param serializer the format; {@link Serializer#json()} by default
		 * @return this builder
		 */
		public Builder serializer(Serializer serializer) {
			this.serializer = serializer;
			return this;
		}

		/**
		 * Sets whether files and directories are fsynced, so commits survive power loss.
		 * Without it commits still survive a crash of the process, and writes are much faster.
		 * @param fsync {@code true} by default
		 * @return this builder
		 */
		public Builder fsync(boolean fsync) {
			this.fsync = fsync;
			return this;
		}

		/**
		 * Sets the largest file the backend reads or writes: a longer state file (a value that
		 * would serialize to more bytes, or a file grown or edited beyond it) is refused with an
		 * exception naming the file and its size, instead of exhausting the heap on a read.
		 * @param bytes {@value #DEFAULT_MAX_FILE_BYTES} (64 MiB) by default, at least 1
		 * @return this builder
		 */
		public Builder maxFileBytes(int bytes) {
			if (bytes < 1) {
				throw new IllegalArgumentException("maxFileBytes must be at least 1, got " + bytes);
			}
			this.maxFileBytes = bytes;
			return this;
		}

		/** For tests: forces the case-insensitive handling on a case-sensitive file system. */
		Builder caseInsensitive(boolean caseInsensitive) {
			this.caseInsensitive = caseInsensitive;
			return this;
		}

		/**
		 * Opens the backend.
		 * @return the backend
		 * @throws StateStorageException naming the directory if it cannot be created or written,
		 * its intent log cannot be replayed, or another backend (in this or another process)
		 * holds it, naming the holder
		 */
		public FileSystemBackend build() {
			return new FileSystemBackend(this);
		}

	}

}
