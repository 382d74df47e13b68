package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on {@link HybridBackend}: memory root, a file mount at {@code /k} and a memory mount at {@code /m}.
 */
class HybridBackendContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return new HybridBackend(new InMemoryBackend()).mount("/k", FileSystemBackend.builder(this.directory).fsync(false).build()).mount("/m", new InMemoryBackend());
	}

}
