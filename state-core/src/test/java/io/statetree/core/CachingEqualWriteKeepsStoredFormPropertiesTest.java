package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * {@link AbstractEqualWriteKeepsStoredFormProperties} on a write-through near cache over files (one
 * clock for both); its delegate is compared with what it answers after every step.
 */
class CachingEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return VirtualTimeBackends.caching(VirtualTimeBackends.files(scratch, nanoClock), CachePolicy.defaults(),
				nanoClock);
	}

}
