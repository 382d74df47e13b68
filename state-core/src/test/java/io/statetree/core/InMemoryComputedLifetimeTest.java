package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractComputedLifetimeTest} on {@link InMemoryBackend}. */
class InMemoryComputedLifetimeTest extends AbstractComputedLifetimeTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new InMemoryBackend();
	}

}
