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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the file operations of one {@link FileSystemBackend} commit crash-atomic (DESIGN §7): a
 * commit a reader could see in one operation is applied directly; one with several visible
 * operations first writes them all to the write-ahead {@link IntentLog}
 * ({@code .statetree/intent.log}), applies them, and removes the log. At open, {@link #recover()}
 * replays a log a crash left behind (every operation is idempotent) and clears the trash and
 * temp files, so a commit is wholly applied or wholly absent. Nothing outside the directory is
 * touched. Logs under {@link FileSystemBackend}'s logger. Called under the backend's write lock.
 */
final class AtomicCommit {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/** Below the backend's own directory: the intent log of the commit being applied. */
	static final String INTENT = "intent.log";

	private final Path directory;

	private final Path meta;

	private final AtomicFiles files;

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
		if (ops.isEmpty()) {
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
		applyAll(ops);
		try {
			Files.delete(log);
			this.files.syncDirectory(this.meta);
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
				this.files.syncDirectory(dir);
			}
			catch (IOException ex) {
				throw new StateStorageException("Cannot sync directory " + dir + ": " + ex, ex);
			}
		}
	}

	private void apply(Op op) throws IOException {
		checkInside(op.path());
		switch (op.kind()) {
			case PUT -> this.files.write(op.path(), op.data());
			case MKDIR -> AtomicFiles.createDirectory(op.path());
			case DELETE -> this.files.delete(op.path());
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
		try {
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
