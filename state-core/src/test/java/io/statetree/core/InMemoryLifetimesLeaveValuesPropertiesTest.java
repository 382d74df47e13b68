package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractLifetimesLeaveValuesProperties} in memory. */
class InMemoryLifetimesLeaveValuesPropertiesTest extends AbstractLifetimesLeaveValuesProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return new InMemoryBackend();
	}

}
