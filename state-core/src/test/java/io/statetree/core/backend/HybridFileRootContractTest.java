package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on {@link HybridBackend}: file root, a memory mount at {@code /persistent}.
 */
class HybridFileRootContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return new HybridBackend(FileSystemBackend.builder(this.directory).fsync(false).build()).mount("/persistent", new InMemoryBackend());
	}

}
