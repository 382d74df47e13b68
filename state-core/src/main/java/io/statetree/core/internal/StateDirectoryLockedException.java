package io.statetree.core.internal;

import java.nio.file.Path;

import io.statetree.core.StateStorageException;

/**
 * A state directory is already open in another {@code FileSystemBackend}, in this process or in
 * another one. Internal: thrown by the filesystem backend and recognised by the Spring Boot
 * failure analysis; applications catch {@link StateStorageException}.
 */
public final class StateDirectoryLockedException extends StateStorageException {

	private static final long serialVersionUID = 1L;

	private final transient Path directory;

	private final String holder;

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
