package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * {@link AbstractComputedLifetimeTest} on {@link CachingBackend} (default write-through policy)
 * over {@link FileSystemBackend}.
 */
class CachingComputedLifetimeTest extends AbstractComputedLifetimeTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new CachingBackend(FileSystemBackend.builder(scratch).fsync(false).build(), CachePolicy.defaults());
	}

}
