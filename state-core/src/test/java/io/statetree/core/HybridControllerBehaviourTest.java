package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller behaviour suite on {@link HybridBackend}: a memory root with a file system mounted at {@code /persistent}.
 */
class HybridControllerBehaviourTest extends AbstractControllerBehaviourTest {

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
		return new HybridBackend(new InMemoryBackend()).mount("/persistent", FileSystemBackend.builder(directory).fsync(false).build());
	}

	@Override
	protected double concurrencyScale() {
		return 0.2;
	}

}
