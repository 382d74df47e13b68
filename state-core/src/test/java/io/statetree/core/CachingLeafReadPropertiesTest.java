package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/** {@link AbstractLeafReadProperties} on a write-through cache over files (one clock for both). */
class CachingLeafReadPropertiesTest extends AbstractLeafReadProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return VirtualTimeBackends.caching(VirtualTimeBackends.files(scratch, nanoClock), CachePolicy.defaults(),
				nanoClock);
	}

}
