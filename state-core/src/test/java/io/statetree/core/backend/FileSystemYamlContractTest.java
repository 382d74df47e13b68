package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on {@link FileSystemBackend} with YAML, without fsync.
 */
class FileSystemYamlContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return FileSystemBackend.builder(this.directory).serializer(Serializer.yaml()).fsync(false).build();
	}

}
