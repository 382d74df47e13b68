package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The expiry suite on {@link FileSystemBackend} (fsync off); after a controller closes, the
 * directory is opened again to see what it left.
 */
class FileSystemExpiryBehaviourTest extends AbstractExpiryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return FileSystemBackend.builder(scratch.resolve("state")).fsync(false).build();
	}

	@Override
	protected StateBackend afterClose(StateBackend closed, Path scratch) {
		return newBackend(scratch);
	}

}
