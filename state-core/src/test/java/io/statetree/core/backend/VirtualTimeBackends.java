package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * For lifetime tests outside this package: the local backends on a monotonic clock the test moves
 * (the package-private clock hooks of {@link InMemoryBackend}, {@link FileSystemBackend} and
 * {@link CachingBackend}), so a test about what a lifetime does, not about the real-time bound,
 * does not depend on how fast a loaded machine runs it.
 */
public final class VirtualTimeBackends {

	private VirtualTimeBackends() {
	}

	/**
	 * An empty memory backend.
	 * @param nanoClock the monotonic clock, in nanoseconds
	 * @return the backend
	 */
	public static InMemoryBackend inMemory(LongSupplier nanoClock) {
		return new InMemoryBackend(nanoClock);
	}

	/**
	 * A file system backend without fsync.
	 * @param directory its directory
	 * @param nanoClock the monotonic clock, in nanoseconds
	 * @return the backend
	 */
	public static FileSystemBackend files(Path directory, LongSupplier nanoClock) {
		return FileSystemBackend.builder(directory).fsync(false).nanoClock(nanoClock).build();
	}

	/**
	 * A caching backend measuring lifetimes on the given clock (give the delegate the same one).
	 * @param delegate the backend behind the cache
	 * @param policy the cache policy
	 * @param nanoClock the monotonic clock, in nanoseconds
	 * @return the backend
	 */
	public static CachingBackend caching(StateBackend delegate, CachePolicy policy, LongSupplier nanoClock) {
		return new CachingBackend(delegate, policy, nanoClock);
	}

}
