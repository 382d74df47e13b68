package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * {@link AbstractEqualWriteKeepsStoredFormProperties} on a write-behind near cache over memory (one
 * clock for both), flushed after every step so that its delegate is compared with what it answers.
 */
class CachingWriteBehindEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return VirtualTimeBackends.caching(VirtualTimeBackends.inMemory(nanoClock),
				CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build(), nanoClock);
	}

}
