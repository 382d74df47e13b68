package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractLifetimeRewriteProperties;
import net.jqwik.api.Group;

/**
 * The lifetime rewrite properties ({@link AbstractLifetimeRewriteProperties}) on every local
 * backend, in virtual time: memory, files, both hybrids (on their mounts), and a near cache over
 * files writing through and writing behind, and over memory.
 */
class LifetimeRewritePropertiesTest {

	private static FileSystemBackend files(LongSupplier nanoClock, Path dir) {
		return FileSystemBackend.builder(dir).fsync(false).nanoClock(nanoClock).build();
	}

	@Group
	class InMemory extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new InMemoryBackend(nanoClock);
		}

	}

	@Group
	class Files extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return files(nanoClock, scratch.resolve("state"));
		}

	}

	/** A files root with a memory mount at /m, written under the mount. */
	@Group
	class HybridMemoryMount extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new HybridBackend(files(nanoClock, scratch.resolve("root"))).mount("/m", new InMemoryBackend(nanoClock));
		}

		@Override
		protected String prefix() {
			return "/m";
		}

	}

	/** A memory root with a files mount at /f, written under the mount. */
	@Group
	class HybridFilesMount extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new HybridBackend(new InMemoryBackend(nanoClock)).mount("/f", files(nanoClock, scratch.resolve("f")));
		}

		@Override
		protected String prefix() {
			return "/f";
		}

	}

	@Group
	class CachingWriteThroughFiles extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new CachingBackend(files(nanoClock, scratch.resolve("state")), CachePolicy.defaults(), nanoClock);
		}

	}

	@Group
	class CachingWriteBehindFiles extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new CachingBackend(files(nanoClock, scratch.resolve("state")),
					CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build(), nanoClock);
		}

	}

	@Group
	class CachingWriteThroughMemory extends AbstractLifetimeRewriteProperties {

		@Override
		protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
			return new CachingBackend(new InMemoryBackend(nanoClock), CachePolicy.defaults(), nanoClock);
		}

	}

}
