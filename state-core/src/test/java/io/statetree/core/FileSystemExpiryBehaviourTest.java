package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/**
 * The expiry suite on {@link FileSystemBackend} (fsync off); after a controller closes, the
 * directory is opened again to see what it left. The tests of what writes do to lifetimes run on
 * the backend's monotonic clock hook, in virtual time.
 */
class FileSystemExpiryBehaviourTest extends AbstractExpiryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return FileSystemBackend.builder(scratch.resolve("state")).fsync(false).build();
	}

	@Override
	protected StateBackend newBackend(Path scratch, LongSupplier nanoClock) {
		return VirtualTimeBackends.files(scratch.resolve("state"), nanoClock);
	}

	@Override
	protected StateBackend afterClose(StateBackend closed, Path scratch) {
		return newBackend(scratch);
	}

}
