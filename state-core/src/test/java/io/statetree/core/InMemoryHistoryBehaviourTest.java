package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The history suite on {@link InMemoryBackend} (the controller's in-memory history).
 */
class InMemoryHistoryBehaviourTest extends AbstractHistoryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new InMemoryBackend();
	}

}
