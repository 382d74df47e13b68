package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * {@link AbstractLeafReadProperties} through a {@link HybridBackend} whose root is in memory, with
 * {@code /b} mounted on another memory backend: each remembers its own leaf reads, the mount's
 * with paths relative to it.
 */
class HybridMemoryMountLeafReadPropertiesTest extends AbstractLeafReadProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return new HybridBackend(VirtualTimeBackends.inMemory(nanoClock)).mount("/b",
				VirtualTimeBackends.inMemory(nanoClock));
	}

}
