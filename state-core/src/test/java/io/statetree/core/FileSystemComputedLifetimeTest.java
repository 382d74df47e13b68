package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractComputedLifetimeTest} on {@link FileSystemBackend}. */
class FileSystemComputedLifetimeTest extends AbstractComputedLifetimeTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return FileSystemBackend.builder(scratch).fsync(false).build();
	}

}
