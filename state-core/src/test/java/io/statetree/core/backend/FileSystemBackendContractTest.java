package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on {@link FileSystemBackend} with JSON and fsync.
 */
class FileSystemBackendContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return new FileSystemBackend(this.directory);
	}

}
