package io.statetree.core;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The held batch suite on {@link InMemoryBackend}.
 */
class InMemoryHeldBatchBehaviourTest extends AbstractHeldBatchBehaviourTest {

	@Override
	protected StateBackend newBackend() {
		return new InMemoryBackend();
	}

}
