package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The history suite on {@link FileSystemBackend} (fsync off to keep it quick).
 */
class FileSystemHistoryBehaviourTest extends AbstractHistoryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return FileSystemBackend.builder(scratch).fsync(false).build();
	}

	@Override
	protected double concurrencyScale() {
		return 0.2;
	}

}
