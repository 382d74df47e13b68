package io.statetree.core;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The controller behaviour suite on {@link InMemoryBackend}.
 */
class InMemoryControllerBehaviourTest extends AbstractControllerBehaviourTest {

	@Override
	protected StateBackend newBackend() {
		return new InMemoryBackend();
	}

}
