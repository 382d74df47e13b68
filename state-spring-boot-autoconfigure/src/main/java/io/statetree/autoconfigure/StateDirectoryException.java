package io.statetree.autoconfigure;

import java.nio.file.Path;

import io.statetree.core.StateException;
import org.jspecify.annotations.Nullable;

/**
 * The directory of a filesystem backend is not set, cannot be created, is not writable, or is
 * already in use by another StateTree backend.
 */
public class StateDirectoryException extends StateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final @Nullable Path directory;

	private final String reason;

	/**
	 * Creates the exception.
	 * @param property the property naming the directory, e.g. {@code statetree.filesystem.directory}
	 * @param directory the directory, or {@code null} when not set
	 * @param reason what is wrong with it
	 * @param cause the underlying failure, or {@code null}
	 */
	public StateDirectoryException(String property, @Nullable Path directory, String reason, @Nullable Throwable cause) {
		super(property + ((directory != null) ? " (" + directory.toAbsolutePath() + ")" : "") + " " + reason, cause);
		this.property = property;
		this.directory = directory;
		this.reason = reason;
	}

	/**
	 * Returns the property naming the directory.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Returns the directory.
	 * @return the directory, or {@code null} when it was not set
	 */
	public @Nullable Path getDirectory() {
		return this.directory;
	}

	/**
	 * Returns what is wrong with the directory.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
