package io.statetree.core;

import java.nio.file.Path;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;

/**
 * The group listener suite on {@link CachingBackend} (write-through) over
 * {@link FileSystemBackend}: the cache passes the delegate's history and group progress through.
 */
class CachingGroupListenerBehaviourTest extends AbstractGroupListenerBehaviourTest {

	@Override
	protected StateBackend newBackend(Path scratch) {
		return new CachingBackend(FileSystemBackend.builder(scratch).fsync(false).build(), CachePolicy.defaults());
	}

}
