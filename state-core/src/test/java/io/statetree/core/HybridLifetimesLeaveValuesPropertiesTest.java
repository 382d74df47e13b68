package io.statetree.core;

import java.nio.file.Path;
import java.util.List;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * {@link AbstractLifetimesLeaveValuesProperties} on a hybrid: a memory root with files mounted at
 * {@code /m} and memory at {@code /a/b}; lifetimes go only below the mount points and beside them
 * (a hybrid refuses one at or above a mount point).
 */
class HybridLifetimesLeaveValuesPropertiesTest extends AbstractLifetimesLeaveValuesProperties {

	private static final List<StatePath> POINTS = List.of(StatePath.of("/m"), StatePath.of("/a/b"));

	@Override
	protected StateBackend newBackend(Path directory) {
		return new HybridBackend(new InMemoryBackend())
			.mount("/m", FileSystemBackend.builder(directory.resolve("m")).fsync(false).build())
			.mount("/a/b", new InMemoryBackend());
	}

	@Override
	protected boolean lifetimeAllowed(StatePath path) {
		return POINTS.stream().noneMatch((point) -> path.isAncestorOrSelf(point));
	}

}
