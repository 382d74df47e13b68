package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractLifetimesLeaveValuesProperties} on a write-through cache over files, read again after a restart. */
class CachingLifetimesLeaveValuesPropertiesTest extends AbstractLifetimesLeaveValuesProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return new CachingBackend(FileSystemBackend.builder(directory).fsync(false).build(), CachePolicy.defaults());
	}

	@Override
	protected StateBackend reopen(Path directory) {
		return FileSystemBackend.builder(directory).fsync(false).build();
	}

}
