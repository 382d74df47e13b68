package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The computed-value suite on {@link CachingBackend} (default write-through policy) over
 * {@link FileSystemBackend}.
 */
class CachingComputedBehaviourTest extends AbstractComputedBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new CachingBackend(FileSystemBackend.builder(scratch).fsync(false).build(), CachePolicy.defaults());
	}

	@Override
	protected int writerCommits() {
		return 400;
	}

}
