package io.statetree.core.backend;

/**
 * The backend contract on a write-behind {@link CachingBackend} flushing on read, over {@link InMemoryBackend}.
 */
class CachingFlushOnReadContractTest extends AbstractBackendContractTest {

	@Override
	protected StateBackend newBackend() {
		return new CachingBackend(new InMemoryBackend(), CachePolicy.builder().flushOnWrite(false).flushOnRead(true).build());
	}

}
