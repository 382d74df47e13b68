package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The backends a new user can build from the README, each with the path prefix under which a
 * test writes so that hybrids are exercised on each of their mounts (break issue 14).
 */
public enum Break14Backends {

	/** In memory. */
	MEMORY("", ""),
	/** Files, fsync off. */
	FILES("", ""),
	/** A hybrid with a files root and a memory mount at /m: even writers under /m, odd at the root. */
	HYBRID_FILES_ROOT_MEMORY_MOUNT("/m", ""),
	/** A hybrid with a memory root and a files mount at /f: even writers under /f, odd at the root. */
	HYBRID_MEMORY_ROOT_FILES_MOUNT("/f", ""),
	/** A near cache writing through to files. */
	CACHING_THROUGH_FILES("", ""),
	/** A near cache writing behind to files. */
	CACHING_BEHIND_FILES("", ""),
	/** A near cache writing through to memory. */
	CACHING_THROUGH_MEMORY("", "");

	private final String evenPrefix;

	private final String oddPrefix;

	Break14Backends(String evenPrefix, String oddPrefix) {
		this.evenPrefix = evenPrefix;
		this.oddPrefix = oddPrefix;
	}

	/**
	 * The prefix writer {@code i} writes under (empty for the root).
	 * @param i the writer's index
	 * @return the prefix
	 */
	public String prefix(int i) {
		return (i % 2 == 0) ? this.evenPrefix : this.oddPrefix;
	}

	/**
	 * A fresh backend.
	 * @param dir an empty directory for the kinds that keep files
	 * @return the backend
	 */
	public StateBackend create(Path dir) {
		return switch (this) {
			case MEMORY -> new InMemoryBackend();
			case FILES -> files(dir);
			case HYBRID_FILES_ROOT_MEMORY_MOUNT -> new HybridBackend(files(dir)).mount("/m", new InMemoryBackend());
			case HYBRID_MEMORY_ROOT_FILES_MOUNT -> new HybridBackend(new InMemoryBackend()).mount("/f", files(dir));
			case CACHING_THROUGH_FILES -> new CachingBackend(files(dir), CachePolicy.defaults());
			case CACHING_BEHIND_FILES -> new CachingBackend(files(dir), CachePolicy.builder()
				.flushOnWrite(false)
				.flushOnDelete(false)
				.flushInterval(Duration.ofMillis(100))
				.build());
			case CACHING_THROUGH_MEMORY -> new CachingBackend(new InMemoryBackend(), CachePolicy.defaults());
		};
	}

	private static StateBackend files(Path dir) {
		return FileSystemBackend.builder(dir).fsync(false).historySize(20_000).build();
	}

}
