package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller behaviour suite on a write-behind {@link CachingBackend} (commits reach the
 * {@link FileSystemBackend} only when flushed), where preconditions are checked against the cache.
 */
class CachingWriteBehindControllerBehaviourTest extends AbstractControllerBehaviourTest {

	@TempDir
	Path directory;

	/** Backends opened so far: each gets its own directory, since a directory has one owner at a time. */
	private int opened;

	@Override
	protected StateBackend newBackend() {
		return newBackend(this.directory.resolve("backend-" + this.opened++));
	}

	@Override
	protected StateBackend newBackend(Path directory) {
		return new CachingBackend(FileSystemBackend.builder(directory).fsync(false).build(),
				CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build());
	}

	@Override
	protected double concurrencyScale() {
		return 0.2;
	}

}
