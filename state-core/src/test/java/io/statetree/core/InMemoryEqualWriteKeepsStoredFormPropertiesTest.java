package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/** {@link AbstractEqualWriteKeepsStoredFormProperties} in memory, where leaf reads are remembered per revision. */
class InMemoryEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return VirtualTimeBackends.inMemory(nanoClock);
	}

}
