package io.statetree.core;

import java.nio.file.Path;
import java.util.List;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * {@link AbstractEventMatchesHistoryProperties} on the backends of this module: memory, files, a
 * write-through near cache over memory, a write-behind one over files, and a hybrid whose
 * {@code /b} is mounted on files. The Redis configurations run in state-redis.
 */
class EventMatchesHistoryPropertiesTest extends AbstractEventMatchesHistoryProperties {

	@Override
	protected List<String> configurations() {
		return List.of("memory", "files", "cache over memory", "write-behind cache over files", "hybrid");
	}

	@Override
	protected StateBackend newBackend(String configuration, Path scratch) {
		return switch (configuration) {
			case "memory" -> new InMemoryBackend();
			case "files" -> files(scratch);
			case "cache over memory" -> new CachingBackend(new InMemoryBackend(), CachePolicy.defaults());
			case "write-behind cache over files" -> new CachingBackend(files(scratch),
					CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build());
			case "hybrid" -> new HybridBackend(new InMemoryBackend()).mount("/b", files(scratch));
			default -> throw new IllegalArgumentException("Unknown configuration " + configuration);
		};
	}

	private static StateBackend files(Path scratch) {
		return FileSystemBackend.builder(scratch).fsync(false).build();
	}

}
