package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractBatchReadsProperties} on a memory root with files mounted at {@code /persistent}. */
class HybridBatchReadsPropertiesTest extends AbstractBatchReadsProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return new HybridBackend(new InMemoryBackend()).mount("/persistent",
				FileSystemBackend.builder(directory).fsync(false).build());
	}

}
