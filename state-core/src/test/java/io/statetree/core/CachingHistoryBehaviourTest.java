package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The history suite on {@link CachingBackend} (default write-through policy) over
 * {@link FileSystemBackend}, whose history (the file log) the cache passes through.
 */
class CachingHistoryBehaviourTest extends AbstractHistoryBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new CachingBackend(FileSystemBackend.builder(scratch).fsync(false).build(), CachePolicy.defaults());
	}

	@Override
	protected StateBackend newBackend(Path scratch, int historySize) {
		// write-through: the history is the file log's, passed through the cache
		return new CachingBackend(FileSystemBackend.builder(scratch).fsync(false).historySize(historySize).build(),
				CachePolicy.defaults());
	}

	@Override
	protected double concurrencyScale() {
		return 0.2;
	}

}
