package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The group listener suite on {@link HybridBackend} (a memory root, a file system mounted at
 * {@code /persistent}): not shared, so group progress is kept in the controller's memory.
 */
class HybridGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new HybridBackend(new InMemoryBackend()).mount("/persistent",
				FileSystemBackend.builder(scratch).fsync(false).build());
	}

}
