package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * {@link AbstractComputedLifetimeTest} on {@link HybridBackend}: a memory root with a file system
 * mounted at {@code /persistent}, where the tests write.
 */
class HybridComputedLifetimeTest extends AbstractComputedLifetimeTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new HybridBackend(new InMemoryBackend()).mount("/persistent",
				FileSystemBackend.builder(scratch).fsync(false).build());
	}

	@Override
	protected String base() {
		return "/persistent";
	}

}
