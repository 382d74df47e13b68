package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/** {@link AbstractBatchReadsProperties} on files, where asynchronous calls run on the executor. */
class FileSystemBatchReadsPropertiesTest extends AbstractBatchReadsProperties {

	@Override
	protected StateBackend newBackend(Path directory) {
		return FileSystemBackend.builder(directory).fsync(false).build();
	}

}
