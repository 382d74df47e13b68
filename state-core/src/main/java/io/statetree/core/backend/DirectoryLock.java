package io.statetree.core.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;

/**
 * The exclusive lock a {@link FileSystemBackend} holds on its directory while it is open: an OS
 * file lock ({@link FileChannel#tryLock()}) on {@code .statetree/lock}, which the OS releases when
 * the process ends however it ends, plus a per-JVM registry so a second backend in the same JVM
 * is refused without ever opening (and closing) a second channel to the lock file, which would
 * drop the first one's POSIX lock. The lock file holds who holds the lock (process id, host, an
 * instance id, when it was opened), so a refused opener can name the holder. The file itself is
 * never deleted: deleting a lock file lets two openers lock two different files.
 * <p>
 * Also refuses nested state directories ({@link #refuseHoldingOther}, {@link #refuseInsideOther}):
 * two backends would otherwise own the same files whatever their locks say.
 * Thread-safe.
 */
final class DirectoryLock implements AutoCloseable {

	static final String FILE = "lock";

	/** Longest holder description read back from a lock file. */
	private static final int MAX_HOLDER = 300;

	/** The directories locked by this JVM (real paths), with their holder descriptions. */
	private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

	private final Path key;

	private final FileChannel channel;

	private final FileLock lock;

	private boolean released;

	private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
		this.key = key;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Locks a directory.
	 * @param directory the absolute state directory (it exists)
	 * @param meta the backend's own directory inside it (it exists)
	 * @return the held lock
	 * @throws StateDirectoryLockedException naming the directory and the holder when another
	 * backend (in this JVM or in another process) holds it
	 * @throws StateStorageException when the lock file cannot be used
	 */
	static DirectoryLock acquire(Path directory, Path meta) {
		Path key;
		try {
			key = directory.toRealPath();
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot lock state directory " + directory + ": " + ex, ex);
		}
		String self = describeSelf();
		String existing = HELD.putIfAbsent(key, self);
		if (existing != null) {
			throw new StateDirectoryLockedException(directory, holderOf(existing) + ", in this process");
		}
		FileChannel channel = null;
		boolean acquired = false;
		try {
			channel = FileChannel.open(meta.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				lock = null;
			}
			if (lock == null) {
				String holder;
				try {
					holder = readHolder(channel);
				}
				catch (IOException ex) {
					// Windows locks are mandatory: the holder's file cannot be read
					holder = "holder unknown: its lock file cannot be read";
				}
				throw new StateDirectoryLockedException(directory, holder);
			}
			channel.truncate(0);
			ByteBuffer buffer = ByteBuffer.wrap(self.getBytes(StandardCharsets.UTF_8));
			long position = 0;
			while (buffer.hasRemaining()) {
				position += channel.write(buffer, position);
			}
			channel.force(false);
			DirectoryLock held = new DirectoryLock(key, channel, lock);
			acquired = true;
			return held;
		}
		catch (IOException ex) {
			throw new StateStorageException("Cannot lock state directory " + directory + " through its lock file "
					+ FileSystemBackend.META + "/" + FILE + ": " + ex, ex);
		}
		finally {
			if (!acquired) {
				HELD.remove(key, self);
				if (channel != null) {
					try {
						channel.close();
					}
					catch (IOException ignored) {
						// nothing was locked through it
					}
				}
			}
		}
	}

	/** Releases the lock. Idempotent. */
	@Override
	public synchronized void close() {
		if (this.released) {
			return;
		}
		this.released = true;
		try {
			this.lock.release();
		}
		catch (IOException ignored) {
			// closing the channel below releases it too
		}
		finally {
			try {
				this.channel.close();
			}
			catch (IOException ignored) {
				// the OS releases the lock with the descriptor
			}
			HELD.remove(this.key);
		}
	}

	/**
	 * Makes a state directory ready to be locked: refuses one inside or holding another backend's
	 * directory, creates it with the backend's own directory and its trash, and proves it writable.
	 * A directory used before is checked for a backend's directory below it only under its lock
	 * ({@link #refuseHoldingOther}, by the caller), so a second opener is refused at once rather
	 * than after a walk of the whole tree; a new one is checked here, before {@code .statetree} is
	 * created in it.
	 * @param directory the state directory
	 * @param meta the backend's own directory inside it
	 * @param files writes the probe
	 * @return whether the directory was used by a backend before
	 * @throws StateStorageException naming the directory when it cannot be used
	 */
	static boolean prepare(Path directory, Path meta, AtomicFiles files) {
		refuseInsideOther(directory);
		boolean used = Files.isDirectory(meta, LinkOption.NOFOLLOW_LINKS);
		if (!used) {
			refuseHoldingOther(directory, meta);
		}
		try {
			Files.createDirectories(directory);
			if (!Files.isDirectory(directory)) {
				throw new IOException("not a directory");
			}
			if (Files.isSymbolicLink(meta)) {
				// followed, the lock, revision, intent log and trash would live outside the directory
				throw new IOException(meta.getFileName() + " is a symbolic link; it must be a directory of its own");
			}
			Files.createDirectories(meta.resolve(AtomicFiles.TRASH));
			files.probe("probe");
		}
		catch (IOException | RuntimeException ex) {
			throw new StateStorageException("Cannot use state directory " + directory
					+ ": it cannot be created or written (" + ex + ")", ex);
		}
		return used;
	}

	/**
	 * Refuses a directory holding another state directory below it: both backends would own the
	 * same files (this one would read the other's data as its own branch and delete it, lock
	 * file included, when that branch is replaced). In a new state directory it runs before
	 * anything is created, so a refused open leaves no {@code .statetree} behind (which would
	 * refuse the inner directory next); in one used before, under the lock.
	 * The converse, {@link #refuseInsideOther}, runs again once this backend's own
	 * {@code .statetree} exists, so of two nested directories opened at the same moment the inner
	 * one is refused.
	 * @param directory the absolute state directory (it may not exist yet)
	 * @param meta the backend's own directory inside it, skipped
	 * @throws StateDirectoryLockedException naming both directories
	 */
	static void refuseHoldingOther(Path directory, Path meta) {
		if (!Files.isDirectory(directory)) {
			return;
		}
		Path[] found = new Path[1];
		try {
			Files.walkFileTree(directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
					if (dir.equals(meta)) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					if (dir.getFileName() != null && dir.getFileName().toString().equals(FileSystemBackend.META)) {
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
			throw new StateStorageException("Cannot list state directory " + directory + ": " + ex, ex);
		}
		if (found[0] != null) {
			throw StateDirectoryLockedException.nested(directory, found[0], false);
		}
	}

	/**
	 * Refuses a directory (existing or not) that lies inside a state directory, before anything
	 * is created in it, so a refused open leaves no trace in the other directory's tree.
	 * @param directory the absolute state directory
	 * @throws StateDirectoryLockedException naming both directories
	 */
	static void refuseInsideOther(Path directory) {
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
			if (Files.isDirectory(up.resolve(FileSystemBackend.META), LinkOption.NOFOLLOW_LINKS)) {
				throw StateDirectoryLockedException.nested(directory, up, true);
			}
		}
	}

	/** This backend's holder description, written into the lock file. */
	private static String describeSelf() {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("pid", Long.toString(ProcessHandle.current().pid()));
		fields.put("host", hostName());
		fields.put("instance", UUID.randomUUID().toString().substring(0, 8));
		fields.put("opened", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
		return format(fields);
	}

	private static String format(Map<String, String> fields) {
		StringBuilder text = new StringBuilder();
		for (Map.Entry<String, String> field : fields.entrySet()) {
			text.append(field.getKey()).append('=').append(field.getValue()).append('\n');
		}
		return text.toString();
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	/**
	 * Reads who holds a lock file, keeping only the known fields and printable ASCII, so the
	 * description is safe to put into a message.
	 */
	private static String readHolder(FileChannel channel) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(1024);
		long position = 0;
		while (buffer.hasRemaining()) {
			int read = channel.read(buffer, position);
			if (read <= 0) {
				break;
			}
			position += read;
		}
		return holderOf(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
	}

	/**
	 * Describes a holder from a lock file's text.
	 * @param text the lock file's text
	 * @return e.g. {@code "pid 4711 on host web-1, instance 1a2b3c4d, opened 2026-11-30T11:00:00Z"}
	 */
	static String holderOf(String text) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				fields.put(line.substring(0, equals).strip(), clean(line.substring(equals + 1)));
			}
		}
		String pid = fields.get("pid");
		if (pid == null) {
			return "holder unknown: its lock file does not say";
		}
		StringBuilder holder = new StringBuilder("pid ").append(pid);
		append(holder, " on host ", fields.get("host"));
		append(holder, ", instance ", fields.get("instance"));
		append(holder, ", opened ", fields.get("opened"));
		return (holder.length() > MAX_HOLDER) ? holder.substring(0, MAX_HOLDER) : holder.toString();
	}

	private static void append(StringBuilder holder, String label, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			holder.append(label).append(value);
		}
	}

	private static String clean(String value) {
		StringBuilder clean = new StringBuilder();
		for (int i = 0; i < value.length() && clean.length() < 80; i++) {
			char c = value.charAt(i);
			if (c >= 0x21 && c < 0x7F) {
				clean.append(c);
			}
		}
		return clean.toString();
	}

}
