package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractAsyncProperties} in memory, where every call completes before returning. */
class InMemoryAsyncPropertiesTest extends AbstractAsyncProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return new InMemoryBackend();
	}

}
