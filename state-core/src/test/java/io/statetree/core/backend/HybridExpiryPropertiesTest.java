package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractExpiryProperties;

/**
 * The virtual-time expiry properties through a {@link HybridBackend}: the paths the properties
 * write (with lifetimes on their branches, which a mount point refuses) on its file system root
 * backend, beside a file system mount of its own.
 */
class HybridExpiryPropertiesTest extends AbstractExpiryProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return new HybridBackend(FileSystemBackend.builder(scratch.resolve("root")).fsync(false).nanoClock(nanoClock).build())
			.mount("/elsewhere", FileSystemBackend.builder(scratch.resolve("mount")).fsync(false).nanoClock(nanoClock).build());
	}

}
