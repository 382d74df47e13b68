package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The history suite on {@link HybridBackend}: a memory root with a file system mounted at
 * {@code /persistent} (so commits that span both are in the history too).
 */
class HybridHistoryBehaviourTest extends AbstractHistoryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new HybridBackend(new InMemoryBackend()).mount("/persistent", FileSystemBackend.builder(scratch).fsync(false).build());
	}

	@Override
	protected double concurrencyScale() {
		return 0.2;
	}

}
