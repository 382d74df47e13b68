package io.statetree.core.backend;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on a write-behind {@link CachingBackend} over {@link FileSystemBackend}.
 */
class CachingWriteBehindContractTest extends AbstractBackendContractTest {

	@TempDir
	Path directory;

	@Override
	protected StateBackend newBackend() {
		return new CachingBackend(FileSystemBackend.builder(this.directory).fsync(false).build(), CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build());
	}

}
