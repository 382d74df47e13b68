package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * {@link AbstractEqualWriteKeepsStoredFormProperties} on a hybrid whose root and {@code /m} mount
 * are both in memory, each with its own leaf read memo.
 */
class HybridMemoryMountEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return new HybridBackend(VirtualTimeBackends.inMemory(nanoClock)).mount("/m",
				VirtualTimeBackends.inMemory(nanoClock));
	}

}
