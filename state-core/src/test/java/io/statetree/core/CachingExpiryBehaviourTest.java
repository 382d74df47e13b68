package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;
import org.junit.jupiter.api.Nested;

/**
 * The expiry suite through a {@link CachingBackend} in front of a file system backend, writing
 * through and writing behind; after a controller closes, the directory is opened again. The tests
 * of what writes do to lifetimes run in virtual time, one clock for the cache and its files.
 */
class CachingExpiryBehaviourTest {

	private static FileSystemBackend files(Path scratch) {
		return FileSystemBackend.builder(scratch.resolve("state")).fsync(false).build();
	}

	/** Every commit reaches the files at once. */
	@Nested
	class WriteThrough extends AbstractExpiryBehaviourTest {

		@Override
		protected StateBackend newBackend(Path scratch) {
			return new CachingBackend(files(scratch), CachePolicy.defaults());
		}

		@Override
		protected StateBackend newBackend(Path scratch, LongSupplier nanoClock) {
			return VirtualTimeBackends.caching(VirtualTimeBackends.files(scratch.resolve("state"), nanoClock),
					CachePolicy.defaults(), nanoClock);
		}

		@Override
		protected StateBackend afterClose(StateBackend closed, Path scratch) {
			return files(scratch);
		}

	}

	/** Commits stay in the cache until a flush (close). */
	@Nested
	class WriteBehind extends AbstractExpiryBehaviourTest {

		@Override
		protected StateBackend newBackend(Path scratch) {
			return new CachingBackend(files(scratch),
					CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build());
		}

		@Override
		protected StateBackend newBackend(Path scratch, LongSupplier nanoClock) {
			return VirtualTimeBackends.caching(VirtualTimeBackends.files(scratch.resolve("state"), nanoClock),
					CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build(), nanoClock);
		}

		@Override
		protected StateBackend afterClose(StateBackend closed, Path scratch) {
			return files(scratch);
		}

	}

}
