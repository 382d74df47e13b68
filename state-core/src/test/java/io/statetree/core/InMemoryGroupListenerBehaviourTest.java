package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The group listener suite on {@link InMemoryBackend}: progress in the controller's memory.
 */
class InMemoryGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new InMemoryBackend();
	}

}
