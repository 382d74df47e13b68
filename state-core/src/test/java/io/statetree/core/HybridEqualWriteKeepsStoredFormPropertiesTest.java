package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * {@link AbstractEqualWriteKeepsStoredFormProperties} on a hybrid: its root in memory, {@code /m}
 * mounted on files.
 */
class HybridEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return new HybridBackend(VirtualTimeBackends.inMemory(nanoClock)).mount("/m",
				VirtualTimeBackends.files(scratch, nanoClock));
	}

}
