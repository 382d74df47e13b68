package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractExpiryProperties;
import org.junit.jupiter.api.Nested;

/**
 * The virtual-time expiry properties through a {@link CachingBackend} in front of a file system
 * backend, writing through and writing behind (one clock for both).
 */
class CachingExpiryPropertiesTest {

	private static FileSystemBackend files(LongSupplier nanoClock, Path scratch) {
		return FileSystemBackend.builder(scratch.resolve("state")).fsync(false).nanoClock(nanoClock).build();
	}

	@Nested
	class WriteThrough extends AbstractExpiryProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new CachingBackend(files(nanoClock, scratch), CachePolicy.defaults(), nanoClock);
		}

	}

	@Nested
	class WriteBehind extends AbstractExpiryProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new CachingBackend(files(nanoClock, scratch),
					CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build(), nanoClock);
		}

	}

}
