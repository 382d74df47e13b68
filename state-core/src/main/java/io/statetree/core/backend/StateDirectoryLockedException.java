package io.statetree.core.backend;

import java.nio.file.Path;

import io.statetree.core.StateStorageException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@link FileSystemBackend} opens its state directory and cannot have it,
 * because another backend owns it (one process at a time: the directory is locked at
 * open and a second opener fails at once, naming the directory): the directory is already open
 * in another {@code FileSystemBackend}, in this process or in another one, or it lies inside
 * another state directory or contains one. The message names the directory and the holder, never
 * file contents.
 * <p>
 * Applications usually catch the {@link StateStorageException} it extends; the Spring Boot
 * failure analysis recognises this type to explain a failed start-up. Immutable; the paths are
 * not serialised.
 */
public final class StateDirectoryLockedException extends StateStorageException {

	private static final long serialVersionUID = 1L;

	private final transient Path directory;

	private final String holder;

	private final transient @Nullable Path overlapping;

	/**
	 * Creates the exception.
	 * @param directory the absolute directory
	 * @param holder who holds it, e.g. {@code "pid 4711 on host web-1, opened 2026-11-30T11:00:00Z"}
	 */
	public StateDirectoryLockedException(Path directory, String holder) {
		super("Cannot open state directory " + directory + ": it is already in use by another StateTree backend ("
				+ holder + "); only one process (and one backend) at a time may open a state directory");
		this.directory = directory;
		this.holder = holder;
		this.overlapping = null;
	}

	private StateDirectoryLockedException(Path directory, Path overlapping, boolean inside) {
		super("Cannot open state directory " + directory + ": " + (inside ? "it lies inside" : "it contains")
				+ " the state directory " + overlapping + " (a directory holding .statetree), whose files have an owner"
				+ " of their own; state directories may not be nested, so give each backend a directory side by side"
				+ " with the others");
		this.directory = directory;
		this.holder = (inside ? "the state directory " + overlapping + ", which contains it"
				: "the state directory " + overlapping + ", which lies inside it");
		this.overlapping = overlapping;
	}

	/**
	 * Refuses a directory that lies inside another state directory or contains one: either one's
	 * backend would read, overwrite and delete the other's files (its lock file included).
	 * @param directory the absolute directory being opened
	 * @param overlapping the other state directory
	 * @param inside whether {@code directory} lies inside {@code overlapping} (otherwise it contains it)
	 * @return the exception
	 */
	static StateDirectoryLockedException nested(Path directory, Path overlapping, boolean inside) {
		return new StateDirectoryLockedException(directory, overlapping, inside);
	}

	/**
	 * Returns the state directory that this one lies inside or contains, when that is why it
	 * was refused.
	 * @return the other state directory, or {@code null} when another backend holds this one
	 */
	public @Nullable Path overlapping() {
		return this.overlapping;
	}

	/**
	 * Returns the directory.
	 * @return the absolute directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Returns who holds the directory.
	 * @return a description of the holder (process id, host, when it opened the directory)
	 */
	public String holder() {
		return this.holder;
	}

}
