package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;
import org.junit.jupiter.api.Nested;

/**
 * {@link AbstractLeafReadProperties} through a {@link HybridBackend} whose root is in memory, with
 * {@code /b} mounted on files, and on memory (each memory backend remembering its own reads, the
 * mount's read with paths relative to it).
 */
class HybridLeafReadPropertiesTest {

	@Nested
	class FileMount extends AbstractLeafReadProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new HybridBackend(VirtualTimeBackends.inMemory(nanoClock)).mount("/b",
					VirtualTimeBackends.files(scratch, nanoClock));
		}

	}

	@Nested
	class MemoryMount extends AbstractLeafReadProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new HybridBackend(VirtualTimeBackends.inMemory(nanoClock)).mount("/b",
					VirtualTimeBackends.inMemory(nanoClock));
		}

	}

}
