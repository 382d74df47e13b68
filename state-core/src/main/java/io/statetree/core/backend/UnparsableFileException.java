package io.statetree.core.backend;

import java.nio.file.Path;

import io.statetree.core.StateStorageException;

/**
 * A state file of a {@link FileSystemBackend} that could not be read as a value (unparsable,
 * too long, ambiguous with a directory of the same name), carrying the file so a commit that
 * replaces exactly that file can go ahead (DESIGN §7, corruption). The message names the file
 * relative to the directory and never quotes its content.
 */
final class UnparsableFileException extends StateStorageException {

	private static final long serialVersionUID = 1L;

	final transient Path file;

	UnparsableFileException(Path file, String message) {
		super(message);
		this.file = file;
	}

}
