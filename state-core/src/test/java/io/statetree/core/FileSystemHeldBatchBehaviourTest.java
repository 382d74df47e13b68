package io.statetree.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The held batch suite on {@link FileSystemBackend} (fsync off to keep it quick).
 */
class FileSystemHeldBatchBehaviourTest extends AbstractHeldBatchBehaviourTest {

	/** Under the build's target directory: jqwik properties do not get JUnit's temporary directories. */
	private static final Path DIRECTORY = Path.of("target", "held-batch-tests");

	@Override
	protected StateBackend newBackend() {
		try {
			return FileSystemBackend.builder(Files.createTempDirectory(Files.createDirectories(DIRECTORY), "held")).fsync(false).build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
