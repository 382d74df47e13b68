package io.statetree.autoconfigure;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a filesystem backend.
 */
public class StateTreeFilesystemProperties {

	/**
	 * Directory holding the tree, created when missing. Required by the filesystem backend.
	 */
	private @Nullable Path directory;

	/**
	 * Format of the files.
	 */
	private StateTreeProperties.Format format = StateTreeProperties.Format.JSON;

	/**
	 * Whether each commit is made durable on the storage device (fsync) before it completes.
	 */
	private boolean fsync = true;

	/**
	 * Returns the directory.
	 * @return the directory, or {@code null} when not set
	 */
	public @Nullable Path getDirectory() {
		return this.directory;
	}

	/**
	 * Sets the directory.
	 * @param directory the directory
	 */
	public void setDirectory(@Nullable Path directory) {
		this.directory = directory;
	}

	/**
	 * Returns the file format.
	 * @return the format
	 */
	public StateTreeProperties.Format getFormat() {
		return this.format;
	}

	/**
	 * Sets the file format.
	 * @param format the format
	 */
	public void setFormat(StateTreeProperties.Format format) {
		this.format = format;
	}

	/**
	 * Returns whether files are forced to the device.
	 * @return whether to fsync
	 */
	public boolean isFsync() {
		return this.fsync;
	}

	/**
	 * Sets whether files are forced to the device.
	 * @param fsync whether to fsync
	 */
	public void setFsync(boolean fsync) {
		this.fsync = fsync;
	}

}
