package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the file operations of one {@link FileSystemBackend} commit crash-atomic (DESIGN §7).
 * With fsync on, every commit (or group of commits made together) appends its operations to the
 * {@link IntentJournal} ({@code .statetree/journal.log}), forced once, and then applies them
 * without forcing each file; checkpoints force them later. With fsync off, a commit a reader
 * could see in one operation is applied directly; one with several visible operations first
 * writes them all to the write-ahead {@link IntentLog} ({@code .statetree/intent.log}), applies
 * them, and removes the log. At open, {@link #recover()} replays the journal and a log a crash
 * left behind (every operation is idempotent) and clears the trash and temp files, so a commit is
 * wholly applied or wholly absent. Nothing outside the directory is touched. Logs under
 * {@link FileSystemBackend}'s logger. Called under the backend's write lock.
 */
final class AtomicCommit {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/** Below the backend's own directory: the intent log of the commit being applied. */
	static final String INTENT = "intent.log";

	private final Path directory;

	private final Path meta;

	private final AtomicFiles files;

	/** With fsync on, once {@link #recover()} ran: the journal commits go through. */
	private @Nullable IntentJournal journal;

	/** Whether the last {@link #execute} that failed had made its operations durable first. */
	private boolean failedAfterLogging;

	/**
	 * @param directory the state directory
	 * @param meta the backend's own directory inside it
	 * @param files the single-file operations
	 */
	AtomicCommit(Path directory, Path meta, AtomicFiles files) {
		this.directory = directory;
		this.meta = meta;
		this.files = files;
	}

	/**
	 * Applies one commit's file operations, through the intent log when more than one is visible.
	 * @param ops the operations in order
	 * @throws StateStorageException when one fails (before the log is written: nothing was)
	 */
	void execute(List<Op> ops) {
		this.failedAfterLogging = false;
		if (ops.isEmpty()) {
			return;
		}
		IntentJournal journal = this.journal;
		if (journal != null) {
			executeJournaled(journal, ops);
			return;
		}
		int visible = 0;
		for (Op op : ops) {
			if (op.visible()) {
				visible++;
			}
		}
		if (visible <= 1) {
			applyAll(ops);
			return;
		}
		Path log = this.meta.resolve(INTENT);
		try {
			this.files.write(log, IntentLog.encode(this.directory, ops));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the intent log " + log + "; nothing was written: " + ex, ex);
		}
		this.failedAfterLogging = true;
		applyAll(ops);
		this.failedAfterLogging = false;
		try {
			Files.delete(log);
			this.files.syncDirectory(this.meta);
		}
		catch (IOException ex) {
			throw new StateStorageException("Committed, but cannot remove the intent log " + log
					+ " (it will be replayed at the next start): " + ex, ex);
		}
	}

	private void executeJournaled(IntentJournal journal, List<Op> ops) {
		for (Op op : ops) {
			checkInside(op.path());
		}
		Path file = this.meta.resolve(IntentJournal.FILE);
		try {
			journal.append(ops);
		}
		catch (IntentJournal.UncertainAppendException ex) {
			this.failedAfterLogging = true;
			throw new StateStorageException("Cannot write the journal " + file + ", nor cut it back: the commit may be"
					+ " made at the next start: " + ex, ex);
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the journal " + file + "; nothing was written: " + ex, ex);
		}
		this.failedAfterLogging = true;
		for (Op op : ops) {
			try {
				apply(op, false);
			}
			catch (IOException ex) {
				throw new StateStorageException("Committed to the journal " + file + " (the next start completes it), but"
						+ " cannot " + op.kind().name().toLowerCase(Locale.ROOT) + " " + op.path() + ": " + ex, ex);
			}
		}
		this.failedAfterLogging = false;
		journal.applied(ops);
		if (journal.checkpointDue()) {
			checkpoint();
		}
	}

	/**
	 * Forces what the journal's frames wrote and empties it. Never throws: on failure the journal
	 * keeps its frames (the next checkpoint or start takes over), which is logged.
	 */
	void checkpoint() {
		IntentJournal journal = this.journal;
		if (journal == null) {
			return;
		}
		try {
			journal.checkpoint();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot checkpoint the journal of state directory {} (it is kept and replayed at the next"
					+ " start): {}", this.directory, ex.toString());
		}
	}

	/**
	 * Whether the last {@link #execute} that threw had made its operations durable first (in the
	 * journal or the intent log): the next open then completes the commit, so it counts as made.
	 * @return whether the failed commit is made
	 */
	boolean failedAfterLogging() {
		return this.failedAfterLogging;
	}

	/**
	 * Checkpoints and closes the journal. Never throws (a journal left behind is replayed).
	 */
	void close() {
		IntentJournal journal = this.journal;
		if (journal == null) {
			return;
		}
		this.journal = null;
		try {
			journal.close();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot checkpoint the journal of state directory {} at close (it is replayed at the next"
					+ " start): {}", this.directory, ex.toString());
		}
	}

	private void applyAll(List<Op> ops) {
		applyAll(ops, false);
	}

	/**
	 * Applies operations, forced; a replay ({@code replay}) starts from whatever state later
	 * operations left (a directory an operation writes into may be gone, deleted by a later frame
	 * of the journal): it creates missing parents and skips directories that are gone, so the
	 * operations after it end in the same state.
	 */
	private void applyAll(List<Op> ops, boolean replay) {
		Set<Path> directories = new LinkedHashSet<>();
		for (Op op : ops) {
			try {
				if (replay && op.kind() != Kind.DELETE) {
					Path parent = op.path().getParent();
					checkInside(op.path());
					if (!parent.equals(this.directory) && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
						checkInside(parent);
						Files.createDirectories(parent);
					}
				}
				apply(op, true);
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
				this.files.syncDirectory(dir);
			}
			catch (java.nio.file.NoSuchFileException ex) {
				if (!replay) {
					throw new StateStorageException("Cannot sync directory " + dir + ": " + ex, ex);
				}
			}
			catch (IOException ex) {
				throw new StateStorageException("Cannot sync directory " + dir + ": " + ex, ex);
			}
		}
	}

	private void apply(Op op, boolean force) throws IOException {
		checkInside(op.path());
		switch (op.kind()) {
			case PUT -> this.files.write(op.path(), op.data(), force);
			case MKDIR -> AtomicFiles.createDirectory(op.path());
			case DELETE -> this.files.delete(op.path(), force);
		}
	}

	private void checkInside(Path path) {
		if (!path.startsWith(this.directory) || path.equals(this.directory)) {
			throw new IllegalStateException("Refusing to touch " + path + ": it is not inside " + this.directory);
		}
	}

	/**
	 * Finishes what a crash interrupted: replays the intent log if there is one, empties the
	 * trash and deletes temp files left anywhere in the tree.
	 * @throws StateStorageException when the log is damaged or the directory cannot be cleaned
	 */
	void recover() {
		Path log = this.meta.resolve(INTENT);
		Path journalFile = this.meta.resolve(IntentJournal.FILE);
		try {
			List<List<Op>> frames = IntentJournal.readFrames(this.directory, journalFile);
			if (!frames.isEmpty()) {
				int count = 0;
				for (List<Op> frame : frames) {
					applyAll(frame, true);
					count += frame.size();
				}
				logger.info("Replayed the journal {} ({} commits or groups, {} file operations) after a crash", journalFile,
						frames.size(), count);
			}
			if (this.files.fsync()) {
				this.journal = new IntentJournal(this.directory, this.meta, this.files);
			}
			else if (Files.exists(journalFile, LinkOption.NOFOLLOW_LINKS)) {
				Files.delete(journalFile);
			}
			if (Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
				List<Op> ops = IntentLog.decode(this.directory, Files.readAllBytes(log), log);
				logger.info("Replaying the intent log {} ({} file operations) of a commit interrupted by a crash", log,
						ops.size());
				applyAll(ops);
				Files.delete(log);
				this.files.syncDirectory(this.meta);
			}
			AtomicFiles.deleteTree(this.meta.resolve(AtomicFiles.TRASH));
			Files.createDirectories(this.meta.resolve(AtomicFiles.TRASH));
			Files.walkFileTree(this.directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					String name = file.getFileName().toString();
					if (name.startsWith(".") && name.endsWith(AtomicFiles.TEMP_SUFFIX) && attrs.isRegularFile()) {
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

}
