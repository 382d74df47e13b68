package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on {@link CachingBackend} (write-through) over {@link FileSystemBackend}.
 */
class CachingBackendContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return new CachingBackend(FileSystemBackend.builder(this.directory).fsync(false).build(), CachePolicy.defaults());
	}

}
