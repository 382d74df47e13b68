package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * {@link AbstractLeafReadProperties} through a {@link HybridBackend} whose root is in memory (its
 * leaf reads remembered), with {@code /b} mounted on files.
 */
class HybridLeafReadPropertiesTest extends AbstractLeafReadProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return new HybridBackend(VirtualTimeBackends.inMemory(nanoClock)).mount("/b",
				VirtualTimeBackends.files(scratch, nanoClock));
	}

}
