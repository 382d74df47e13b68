package io.statetree.core.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-file operations of a {@link FileSystemBackend}, each of which a crash leaves done or
 * not done (DESIGN §7, "each file is written atomically"): a file is written to a temp file in the
 * same directory, fsynced, renamed over its target and its directory fsynced; a directory is
 * deleted by an atomic move into the trash ({@code .statetree/trash}) before its contents go.
 * With fsync off the files and directories are not forced (process crashes only). Temp files
 * start with {@code .} and end with {@value #TEMP_SUFFIX}, so they are never part of the tree and
 * the start-up recovery finds them. Immutable; thread-safe (the backend's lock orders the calls).
 */
final class AtomicFiles {

	private static final Logger logger = LoggerFactory.getLogger(FileSystemBackend.class);

	/** The suffix of temp files (and probes), removed by the recovery at open. */
	static final String TEMP_SUFFIX = ".sttmp";

	/** Below the backend's own directory: where deleted directories go before their contents. */
	static final String TRASH = "trash";

	private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
		.startsWith("windows");

	private final Path meta;

	private final boolean fsync;

	/**
	 * @param meta the backend's own directory ({@code .statetree}), holding the trash
	 * @param fsync whether files and directories are forced to disk
	 */
	AtomicFiles(Path meta, boolean fsync) {
		this.meta = meta;
		this.fsync = fsync;
	}

	/**
	 * Writes a file through a temp file in the same directory and a rename, fsyncing the file
	 * first when enabled. The rename replaces a symbolic link rather than writing through it.
	 * @param target the file
	 * @param data its new bytes ({@code null} for none)
	 * @throws IOException when it cannot be written; the temp file is removed, the target untouched
	 */
	void write(Path target, byte @Nullable [] data) throws IOException {
		write(target, data, this.fsync);
	}

	/**
	 * Writes a file as {@link #write(Path, byte[])} does, forcing it and its directory only when
	 * asked: the journal ({@link IntentJournal}) holds the bytes of what it writes unforced.
	 * @param target the file
	 * @param data its new bytes ({@code null} for none)
	 * @param force whether the file and its directory are forced (and fsync is on)
	 * @throws IOException when it cannot be written; the temp file is removed, the target untouched
	 */
	void write(Path target, byte @Nullable [] data, boolean force) throws IOException {
		boolean forced = force && this.fsync;
		Path temp = target.resolveSibling("." + target.getFileName() + "."
				+ Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL) + TEMP_SUFFIX);
		try {
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
				ByteBuffer buffer = ByteBuffer.wrap((data != null) ? data : new byte[0]);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				if (forced) {
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
		if (forced) {
			syncDirectory(target.getParent());
		}
	}

	/**
	 * Creates a directory unless it exists.
	 * @param dir the directory
	 * @throws IOException when it cannot be created, or a file of that name is there
	 */
	static void createDirectory(Path dir) throws IOException {
		try {
			Files.createDirectory(dir);
		}
		catch (FileAlreadyExistsException ex) {
			if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
		}
	}

	/**
	 * Deletes a file, or a directory with everything in it, if present; a directory is first
	 * moved into the trash atomically, so a crash never leaves it half deleted in the tree. Once
	 * it is moved, the delete is made: a trash that cannot be emptied is logged (the next open
	 * empties it), not thrown.
	 * @param path the file or directory
	 * @throws IOException when it cannot be deleted
	 */
	void delete(Path path) throws IOException {
		delete(path, true);
	}

	/**
	 * Deletes as {@link #delete(Path)} does, forcing the directory of a moved directory only when
	 * asked (and fsync is on).
	 * @param path the file or directory
	 * @param force whether the parent directory is forced after a directory's move
	 * @throws IOException when it cannot be deleted
	 */
	void delete(Path path, boolean force) throws IOException {
		BasicFileAttributes attributes = FileEntries.attributes(path);
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
		if (force && this.fsync) {
			syncDirectory(path.getParent());
		}
		try {
			deleteTree(trash);
		}
		catch (IOException ex) {
			// the directory is out of the tree already (the delete is made): the open empties the trash
			logger.warn("Cannot empty {} from the trash of state directory {} (the next start does): {}",
					trash.getFileName(), this.meta.getParent(), ex.toString());
		}
	}

	/**
	 * Deletes a directory and everything in it, without following symbolic links, if present.
	 * @param root the directory
	 * @throws IOException when something in it cannot be deleted
	 */
	static void deleteTree(Path root) throws IOException {
		if (FileEntries.attributes(root) == null) {
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
	 * Forces a directory's entries to disk, when fsync is on (and the OS allows it: not on Windows).
	 * @param dir the directory
	 * @throws IOException when it cannot be forced
	 */
	void syncDirectory(Path dir) throws IOException {
		if (!this.fsync || WINDOWS) {
			return;
		}
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	/**
	 * Forces a file written unforced to disk, when fsync is on; nothing when it is gone (a later
	 * operation deleted it).
	 * @param file the file
	 * @throws IOException when it cannot be forced
	 */
	void syncFile(Path file) throws IOException {
		if (!this.fsync) {
			return;
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (java.nio.file.NoSuchFileException ex) {
			// deleted since: nothing to force
		}
	}

	/** Whether files and directories are forced. */
	boolean fsync() {
		return this.fsync;
	}

	/**
	 * Creates and deletes a temp file in the backend's own directory, to prove it writable.
	 * @param prefix the temp file's prefix
	 * @throws IOException when it is not writable
	 */
	void probe(String prefix) throws IOException {
		Path probe = Files.createTempFile(this.meta, prefix, TEMP_SUFFIX);
		Files.delete(probe);
	}

}
