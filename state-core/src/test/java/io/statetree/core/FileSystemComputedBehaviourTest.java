package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The computed-value suite on {@link FileSystemBackend} (fsync off to keep it quick).
 */
class FileSystemComputedBehaviourTest extends AbstractComputedBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return FileSystemBackend.builder(scratch).fsync(false).build();
	}

	@Override
	protected int writerCommits() {
		return 400;
	}

}
