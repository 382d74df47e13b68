package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractBatchReadsProperties} in memory. */
class InMemoryBatchReadsPropertiesTest extends AbstractBatchReadsProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return new InMemoryBackend();
	}

}
