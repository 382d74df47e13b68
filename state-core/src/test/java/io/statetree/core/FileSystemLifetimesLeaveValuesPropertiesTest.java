package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractLifetimesLeaveValuesProperties} on files, read again after a restart. */
class FileSystemLifetimesLeaveValuesPropertiesTest extends AbstractLifetimesLeaveValuesProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return FileSystemBackend.builder(directory).fsync(false).build();
	}

	@Override
	protected StateBackend reopen(Path directory) {
		return newBackend(directory);
	}

}
