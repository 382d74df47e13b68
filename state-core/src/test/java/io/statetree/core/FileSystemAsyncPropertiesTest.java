package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractAsyncProperties} on files, where calls run on the async executor. */
class FileSystemAsyncPropertiesTest extends AbstractAsyncProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return FileSystemBackend.builder(directory).fsync(false).build();
	}

}
