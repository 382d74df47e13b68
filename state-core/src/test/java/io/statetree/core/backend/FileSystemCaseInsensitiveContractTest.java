package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on {@link FileSystemBackend} with the case-insensitive lookups forced on.
 */
class FileSystemCaseInsensitiveContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return FileSystemBackend.builder(this.directory).fsync(false).caseInsensitive(true).build();
	}

}
