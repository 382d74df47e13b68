package io.statetree.core.backend;

/**
 * The backend contract on {@link InMemoryBackend}.
 */
class InMemoryBackendContractTest extends AbstractBackendContractTest {

	@Override
	protected StateBackend newBackend() {
		return new InMemoryBackend();
	}

}
