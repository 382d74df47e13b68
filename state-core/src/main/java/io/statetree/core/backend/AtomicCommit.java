package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
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
 * wholly applied or wholly absent. A commit is made at its commit point (its frame forced, its
 * intent log written, or its one visible operation done); {@link #execute} throws only before it.
 * Operations failing after it are retried once, then lag ({@link #lagging()}) until
 * {@link #catchUp()} applies them; meanwhile no checkpoint empties the journal and no other commit
 * is executed. Nothing outside the directory is touched. Logs under {@link FileSystemBackend}'s
 * logger. Called under the backend's write lock.
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

	/**
	 * The operations of commits that are made (their journal frame forced, their intent log
	 * written, or their visible operation done) but not all applied to the files: re-applied, in
	 * order, by {@link #catchUp()}.
	 */
	private final List<List<Op>> lagging = new ArrayList<>();

	/** With fsync off: the intent log of a made commit stays until it can be removed. */
	private boolean intentLeft;

	/** Why the files lag, for messages. */
	private @Nullable Exception lagCause;

	/** Test seam: called before each operation a commit applies (not at the replay at open). */
	private ApplyHook hook = ApplyHook.NONE;

	/** Told what each operation made of its path, or that one failed; none until {@link #index} is called. */
	private @Nullable DirectoryIndex index;

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

	/** For tests: a hook called before each operation a commit (or a catch-up) applies. */
	void hook(ApplyHook hook) {
		this.hook = hook;
	}

	/**
	 * Keeps an index of the directory up to date: each operation applied is noted in it, and a
	 * failed one (or a replay, which may create parents on its own) empties it.
	 * @param index the commits' index of the directory
	 */
	void index(DirectoryIndex index) {
		this.index = index;
	}

	/** After an operation failed or parents were created outside the operations: asks the disk again. */
	private void forgetIndex() {
		DirectoryIndex index = this.index;
		if (index != null) {
			index.forget();
		}
	}

	/**
	 * Applies one commit's file operations: through the journal (fsync on), through the intent
	 * log when more than one is visible (fsync off), or directly. Throws only when the commit is
	 * not made: once it is (its journal frame forced, its intent log written, or its one visible
	 * operation done) a failure to apply the rest is retried once and then left for
	 * {@link #catchUp()}: {@link #lagging()} tells, and the files lag until a catch-up succeeds
	 * (the next open completes them from the journal or the intent log).
	 * @param ops the operations in order
	 * @throws StateStorageException when the commit cannot be made; nothing of it is visible
	 * @throws IllegalStateException while the files lag ({@link #catchUp()} first)
	 */
	void execute(List<Op> ops) {
		if (lagging()) {
			throw new IllegalStateException("The files of state directory " + this.directory + " lag behind its commits");
		}
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
			executeDirect(ops);
			return;
		}
		Path log = this.meta.resolve(INTENT);
		try {
			this.files.write(log, IntentLog.encode(this.directory, ops));
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the intent log " + log + "; nothing was written: " + ex, ex);
		}
		// made: the next open replays the log
		try {
			applyNow(ops, false);
		}
		catch (IOException | RuntimeException ex) {
			retryOrLag(ops, ex, true);
			return;
		}
		removeIntentLog(log);
	}

	/** One visible operation: the commit is made once it is done. */
	private void executeDirect(List<Op> ops) {
		boolean made = false;
		for (Op op : ops) {
			try {
				this.hook.beforeApply(op);
				apply(op, false);
			}
			catch (IOException | RuntimeException ex) {
				forgetIndex();
				if (!made) {
					throw new StateStorageException("Cannot " + op.kind().name().toLowerCase(Locale.ROOT) + " " + op.path()
							+ "; the commit was not made: " + ex, ex);
				}
				retryOrLag(ops, ex, false);
				return;
			}
			made |= op.visible();
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
			// the frame may survive and be replayed at the next open: the commit counts as made, its
			// files are applied, and commits wait until a checkpoint settles the journal
			logger.error("Cannot write the journal {}, nor cut it back: the commit is made, and commits are refused"
					+ " until a checkpoint settles the journal: {}", file, ex.toString());
			this.lagCause = ex;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot write the journal " + file + "; nothing was written: " + ex, ex);
		}
		// made: the next open replays the frame
		try {
			applyNow(ops, false);
		}
		catch (IOException | RuntimeException ex) {
			retryOrLag(ops, ex, false);
			return;
		}
		journal.applied(ops);
		if (journal.checkpointDue() && !journal.unsettled()) {
			checkpoint();
		}
	}

	/**
	 * After a made commit's operations failed: applies them again from the first (each is
	 * idempotent) once; if that fails too, leaves them to {@link #catchUp()}. Never throws.
	 */
	private void retryOrLag(List<Op> ops, Exception failure, boolean intent) {
		try {
			applyNow(ops, true);
			if (this.journal != null) {
				this.journal.applied(ops);
			}
			if (intent) {
				removeIntentLog(this.meta.resolve(INTENT));
			}
			logger.warn("Applied the files of a commit to state directory {} at the second attempt; the first failed: {}",
					this.directory, failure.toString());
			return;
		}
		catch (IOException | RuntimeException again) {
			failure.addSuppressed(again);
		}
		this.lagging.add(ops);
		this.intentLeft |= intent;
		this.lagCause = failure;
		logger.error("The files of state directory {} lag behind a commit that is made ({}): reads see it from memory,"
				+ " the next start completes it from the {}, and commits are refused until its files can be written: {}",
				this.directory, (this.journal != null) ? "journaled" : intent ? "in the intent log" : "visible",
				(this.journal != null) ? "journal" : "intent log", failure.toString());
	}

	/** Removes a made commit's intent log; when it cannot be, the files lag until it can. */
	private void removeIntentLog(Path log) {
		try {
			Files.deleteIfExists(log);
			this.files.syncDirectory(this.meta);
		}
		catch (IOException | RuntimeException ex) {
			// kept, a later commit's files would be overwritten by its replay at the next open
			this.intentLeft = true;
			this.lagCause = ex;
			logger.error("Cannot remove the intent log {} of a commit that is made; commits are refused until it can"
					+ " be: {}", log, ex.toString());
		}
	}

	/**
	 * Whether the files lag behind a made commit (its operations, its intent log's removal, or an
	 * uncertain journal append wait for {@link #catchUp()}).
	 * @return whether commits must wait
	 */
	boolean lagging() {
		IntentJournal journal = this.journal;
		return !this.lagging.isEmpty() || this.intentLeft || (journal != null && journal.unsettled());
	}

	/**
	 * Why the files lag.
	 * @return the last failure, or {@code null} when they do not
	 */
	@Nullable Exception lagCause() {
		return this.lagCause;
	}

	/**
	 * Takes a commit whose apply threw although a reader sees it as made: its operations are
	 * applied again by {@link #catchUp()}.
	 * @param ops the commit's operations
	 * @param failure why they failed
	 */
	void adopt(List<Op> ops, Exception failure) {
		this.lagging.add(ops);
		this.lagCause = failure;
	}

	/**
	 * Applies what lags (see {@link #lagging()}) again, removes a left intent log and settles the
	 * journal. Never throws.
	 * @return whether the files no longer lag
	 */
	boolean catchUp() {
		if (!lagging()) {
			return true;
		}
		IntentJournal journal = this.journal;
		try {
			while (!this.lagging.isEmpty()) {
				List<Op> ops = this.lagging.get(0);
				applyNow(ops, true);
				if (journal != null) {
					journal.applied(ops);
				}
				this.lagging.remove(0);
			}
			if (this.intentLeft) {
				Files.deleteIfExists(this.meta.resolve(INTENT));
				this.files.syncDirectory(this.meta);
				this.intentLeft = false;
			}
			if (journal != null && (journal.unsettled() || journal.checkpointDue())) {
				journal.checkpoint();
			}
		}
		catch (IOException | RuntimeException ex) {
			this.lagCause = ex;
			return false;
		}
		logger.info("The files of state directory {} caught up with its commits", this.directory);
		this.lagCause = null;
		return true;
	}

	/**
	 * Applies a commit's operations without forcing them (the journal holds them with fsync on;
	 * with fsync off nothing is forced); {@code again} after a failure: creates missing parents.
	 */
	private void applyNow(List<Op> ops, boolean again) throws IOException {
		for (Op op : ops) {
			if (again && op.kind() != Kind.DELETE) {
				Path parent = op.path().getParent();
				checkInside(op.path());
				if (!parent.equals(this.directory) && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
					checkInside(parent);
					forgetIndex();
					Files.createDirectories(parent);
				}
			}
			try {
				this.hook.beforeApply(op);
			}
			catch (IOException | RuntimeException ex) {
				forgetIndex();
				throw ex;
			}
			apply(op, false);
		}
	}

	/**
	 * Forces what the journal's frames wrote and empties it. Never throws: on failure the journal
	 * keeps its frames (the next checkpoint or start takes over), which is logged.
	 */
	void checkpoint() {
		IntentJournal journal = this.journal;
		if (journal == null || lagging()) {
			return; // the frames of lagging commits stay until their files are written
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
	 * Catches up ({@link #catchUp()}), then checkpoints and closes the journal. Never throws: a
	 * journal or an intent log left behind (files still lagging) is replayed at the next open.
	 */
	void close() {
		boolean caughtUp = catchUp();
		if (!caughtUp) {
			logger.error("Closing state directory {} while its files lag behind its commits: the next start completes"
					+ " them from the {}", this.directory, (this.journal != null) ? "journal" : "intent log");
		}
		IntentJournal journal = this.journal;
		if (journal == null) {
			return;
		}
		this.journal = null;
		try {
			if (caughtUp) {
				journal.close();
			}
			else {
				journal.closeKeepingFrames();
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot checkpoint the journal of state directory {} at close (it is replayed at the next"
					+ " start): {}", this.directory, ex.toString());
		}
	}

	/** Called before each operation a commit applies: a test seam to inject failures. */
	@FunctionalInterface
	interface ApplyHook {

		/** No hook. */
		ApplyHook NONE = op -> {
		};

		/**
		 * Called before an operation is applied.
		 * @param op the operation
		 * @throws IOException to fail it
		 */
		void beforeApply(Op op) throws IOException;

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
		try {
			switch (op.kind()) {
				case PUT -> this.files.write(op.path(), op.data(), force);
				case MKDIR -> AtomicFiles.createDirectory(op.path());
				case DELETE -> this.files.delete(op.path(), force);
			}
		}
		catch (IOException | RuntimeException ex) {
			forgetIndex();
			throw ex;
		}
		DirectoryIndex index = this.index;
		if (index != null) {
			index.applied(op);
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
		finally {
			forgetIndex(); // a replay creates parents and moves trees on its own
		}
	}

}
