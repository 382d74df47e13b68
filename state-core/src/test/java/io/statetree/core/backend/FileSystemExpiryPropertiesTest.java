package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractExpiryProperties;

/**
 * The virtual-time expiry properties on {@link FileSystemBackend} (fsync off), its monotonic clock
 * set through the package's builder hook.
 */
class FileSystemExpiryPropertiesTest extends AbstractExpiryProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return FileSystemBackend.builder(scratch.resolve("state")).fsync(false).nanoClock(nanoClock).build();
	}

}
