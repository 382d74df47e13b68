package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
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
 * {@code /users/alice} exists) is refused with {@link io.statetree.core.StateWriteException}, so two paths never
 * share a file. Non-ASCII characters are encoded, so Unicode normalization cannot merge names.
 * <p>
 * <b>Crash safety.</b> Every file is written to a temp file in the same directory and renamed
 * over the target. With fsync on, each commit (or group of concurrent commits, below) first
 * appends all its file operations, with their bytes, to a write-ahead journal
 * ({@code .statetree/journal.log}) and forces it; its files are then written without forcing each
 * one, and a checkpoint (every 256 journal frames or 8 MiB, and at {@link #close()}) forces them
 * and empties the journal. The journal is replayed when the backend opens, so a commit that
 * returned survives a crash or power loss, and a commit is either wholly applied or wholly absent.
 * With {@code fsync(false)}, a commit that changes more than one entry (a subtree replace, a
 * delete of a file and a directory, new directories, a batch) first writes an intent log
 * ({@code .statetree/intent.log}) listing every file operation with its bytes, replayed the same
 * way; this holds for process crashes, not for power loss.
 * <p>
 * <b>Commit point; files that lag.</b> A commit is made once its journal frame is forced, its
 * intent log written (fsync off, several entries) or its one visible file operation done: the
 * next open shows it, so the call returns its revision and never throws. Files failing after that
 * point (a full disk) are tried once more; failing again, they lag: reads serve the committed
 * values from memory, the journal or intent log stays for the next open, {@link #check()} fails,
 * and every commit first retries the files and, while it cannot, is refused with
 * {@link StateStorageException}, writing nothing. {@link #close()} tries once more.
 * <p>
 * <b>Group commit.</b> With fsync on, commits made at the same time from several threads share
 * their fsyncs: whoever commits takes every waiting commit it can into one group (commits whose
 * paths are not equal to, above or below each other's, without lifetimes), logs their history
 * records with one fsync and their files with one journal frame and one fsync. Each commit keeps
 * its own revision, values and errors; each call returns only once its commit is durable.
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
 * <b>History.</b> The backend keeps its own {@link CommitHistory} ({@link #history()}): the last
 * {@link Builder#historySize} (default {@value #DEFAULT_HISTORY_SIZE}) commits that changed
 * something, with revision, time, origin, actor, causing revision and each changed path's values
 * before and after, in an append-only log of segment files in {@code .statetree/history}. A
 * commit's record is appended (and fsynced with the files) before any of its files, so after a
 * crash the open cuts off a record left incomplete and drops the last record if the tree holds
 * none of that commit's values: the history then holds exactly the commits in the tree. Values
 * are stored as exact JSON whatever the file format. A damaged segment makes history reads that
 * reach it fail naming the file; the tree keeps working.
 * <p>
 * <b>Revisions</b> keep increasing across restarts and crashes. With a history, its last record
 * is the last commit's revision, and {@link #close()} also stores it in
 * {@code .statetree/revision}; the open goes on from the higher of the two, so no revision is
 * skipped. Without a history ({@code historySize(0)}) the first commit deletes a log an earlier
 * run left (it could not reach back across unlogged commits). Then, like a database sequence with a cache, a
 * commit that needs a revision above the stored one first stores that revision plus
 * {@value #REVISION_LEASE} - 1 (fsynced like any file), so a restart after a crash goes on above
 * every revision given out before it, skipping at most {@value #REVISION_LEASE}. A directory
 * written before revisions were stored starts at 0. Revisions a hybrid or cache in front reserves
 * ({@link #reserveRevision}) are stored in the revision file the same way, so theirs keep
 * increasing too.
 * <p>
 * <b>Lifetimes</b> (time to live, ephemeral entries; DESIGN §12) are kept in
 * {@code .statetree/lifetimes.json}, written with the commit that changes them (through the
 * intent log when the commit also writes the tree), so after a crash tree and lifetimes agree.
 * Due times are stored as wall-clock times and measured on the monotonic clock while open: a
 * clock step while the directory is closed moves them. A value whose time ran out reads as absent
 * at once; the controller deletes it with an expiry commit. Every ephemeral entry found at open
 * was written by a process that is gone, so it is due at once.
 * <p>
 * <b>Consumer groups</b> (DESIGN §13; {@link #consumerGroups()}) keep each group's cursors and
 * dead letters in {@code .statetree/groups}, written atomically, so the events a group had not
 * acknowledged when the process died are handled after the restart, read again from the history
 * log, which keeps the commits a group has not handled beyond {@link Builder#historySize} (up to
 * ten times it; past that, with a warning naming the groups). Without a history there are none.
 * <p>
 * Thread-safe: reads share a lock, commits take it exclusively, so a read sees one commit's
 * result wholly or not at all.
 */
public final class FileSystemBackend implements StateBackend {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/** The backend's own directory inside the state directory: lock, revision, intent log, trash. */
	static final String META = ".statetree";

	/** The default of {@link Builder#maxFileBytes}: 64 MiB. */
	public static final int DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

	/** The default of {@link Builder#historySize}: 1,000 commits, the controller's default. */
	public static final int DEFAULT_HISTORY_SIZE = 1_000;

	/** The largest {@link Builder#historySize}. */
	public static final int MAX_HISTORY_SIZE = 1_000_000;

	/** How many revisions one write of the revision file covers. */
	static final int REVISION_LEASE = 100;

	private final Path directory;

	private final String extension;

	private final boolean fsync;

	private final int historySize;

	/** The parts the directory is kept with, opened in order; closed by {@link #close()}. */
	private final FileBackendParts parts;

	private final FileTreeReader reader;

	/** Makes the commits (in groups, with fsync on). */
	private final FileCommits commits;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	private volatile boolean closed;

	private final FileLifetimes lifetimes;

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
		this.extension = FileNames.checkExtension(builder.serializer.extension());
		this.fsync = builder.fsync;
		this.historySize = builder.historySize;
		this.parts = new FileBackendParts(this, this.lock, this.directory, builder.serializer, this.extension,
				this.fsync, builder.maxFileBytes, builder.caseInsensitive, builder.applyHook, builder.historySize,
				builder.clock, builder.nanoClock);
		this.reader = this.parts.reader;
		this.lifetimes = this.parts.lifetimes;
		this.commits = this.parts.commits;
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
			FileCommits commits = this.commits; // null while the constructor reads the lifetimes
			Object value = (commits != null) ? commits.read(path) : this.reader.read(path);
			return asStored() ? value : this.lifetimes.withoutDue(path, value);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Reads a path as stored, values past their due time included (for a write-behind cache,
	 * which hides what is due by its own due times: {@link CachingBackend}).
	 * @param path the path
	 * @return the stored subtree, or {@code null}
	 */
	@Nullable Object readStored(StatePath path) {
		this.lock.readLock().lock();
		try {
			checkOpen();
			FileCommits commits = this.commits;
			return (commits != null) ? commits.read(path) : this.reader.read(path);
		}
		finally {
			this.lock.readLock().unlock();
		}
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
			List<String> names = this.commits.childNames(path);
			return asStored() ? names : this.lifetimes.childNames(path, names);
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Whether reads see the files as stored: during a commit made alone. */
	private boolean asStored() {
		FileCommits commits = this.commits; // null while the constructor reads the lifetimes
		return commits != null && commits.asStored();
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

	// ---- committing ----

	/**
	 * Commits atomically. With fsync on, concurrent commits are made in groups sharing their
	 * fsyncs (see the class comment); each call returns once its commit is durable.
	 */
	@Override
	public CommitResult commit(CommitRequest request) {
		return this.commits.commit(request);
	}

	/**
	 * Plans the commit as {@link #commit} does, serializing every file it would write, and writes
	 * nothing: refuses what the commit would refuse (a failed precondition, a write below a leaf or
	 * of a leaf at the root, a value over {@link Builder#maxFileBytes}, a name colliding with
	 * another but for case).
	 */
	@Override
	public void checkCommit(CommitRequest request) {
		this.lock.writeLock().lock();
		try {
			checkOpen();
			this.commits.check(request);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	@Override
	public void reserveRevision(long revision) {
		this.lock.writeLock().lock();
		try {
			checkOpen();
			this.parts.revisionFile.reserve(revision);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Hands back a reservation ({@link RevisionReservations}). */
	void releaseRevision(long revision) {
		this.lock.writeLock().lock();
		try {
			this.parts.revisionFile.release(revision);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	// ---- the rest of the SPI ----

	@Override
	public long revision() {
		return this.commits.revision();
	}

	/** Returns the lifetimes kept in {@code .statetree/lifetimes.json}. */
	@Override
	public ExpiringEntries expiringEntries() {
		return this.lifetimes;
	}

	/**
	 * Returns the history log in {@code .statetree/history}, or {@code null} when
	 * {@link Builder#historySize} is 0.
	 */
	@Override
	public @Nullable CommitHistory history() {
		return this.parts.history;
	}

	/**
	 * Returns the durable consumer groups in {@code .statetree/groups} (cursors and dead letters
	 * survive a crash; claims are this process's), or {@code null} when
	 * {@link Builder#historySize} is 0: the controller then keeps group progress in memory.
	 */
	@Override
	public @Nullable ConsumerGroups consumerGroups() {
		return this.parts.groups;
	}

	/** Checks the directory is writable, and that its files do not lag (see the class comment). */
	@Override
	public void check() {
		checkOpen();
		this.commits.checkCaughtUp();
		try {
			this.parts.files.probe("check");
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
		description.put("historySize", this.historySize);
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
			this.parts.close();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** For tests: the commits' index of the directory. */
	DirectoryIndex index() {
		return this.commits.index();
	}

	void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The FileSystemBackend for " + this.directory + " is closed");
		}
	}

	@Override
	public String toString() {
		return "FileSystemBackend[" + this.directory + ", " + this.extension + (this.fsync ? "" : ", no fsync") + "]";
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

		private int historySize = DEFAULT_HISTORY_SIZE;

		private Clock clock = Clock.systemUTC();

		private LongSupplier nanoClock = System::nanoTime;

		private AtomicCommit.ApplyHook applyHook = AtomicCommit.ApplyHook.NONE;

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

		/**
		 * Sets how many commits the history log in {@code .statetree/history} keeps
		 * ({@link FileSystemBackend#history()}, read by {@code StateController.history} and
		 * {@code watch(pattern, afterRevision)}): the last this many commits that changed
		 * something, across restarts. 0 keeps none: no log is written and
		 * {@link FileSystemBackend#history()} is {@code null}, so the controller's own in-memory
		 * history applies, sized by {@code StateControllerBuilder.historySize} (default 1,000);
		 * that one does not survive a restart, while the revision still does. The log keeps more
		 * while a consumer group has not handled them (up to ten times the size); with 0 there
		 * are no durable consumer groups ({@link FileSystemBackend#consumerGroups()}).
		 * @param size {@value #DEFAULT_HISTORY_SIZE} by default, 0 to {@value #MAX_HISTORY_SIZE}
		 * @return this builder
		 * @throws IllegalArgumentException if the size is outside 0 to {@value #MAX_HISTORY_SIZE}
		 */
		public Builder historySize(int size) {
			if (size < 0 || size > MAX_HISTORY_SIZE) {
				throw new IllegalArgumentException("historySize must be between 0 and " + MAX_HISTORY_SIZE + ", got " + size);
			}
			this.historySize = size;
			return this;
		}

		/** For tests: the clock giving each commit's time in the history. */
		Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/** For tests: the monotonic clock lifetimes are measured on (nanoseconds). */
		Builder nanoClock(LongSupplier nanoClock) {
			this.nanoClock = nanoClock;
			return this;
		}

		/** For tests: called before each file operation a commit applies; throws to fail it. */
		Builder applyHook(AtomicCommit.ApplyHook hook) {
			this.applyHook = hook;
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
