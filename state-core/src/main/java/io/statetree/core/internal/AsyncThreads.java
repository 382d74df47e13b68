package io.statetree.core.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The default executor of the asynchronous API on blocking backends (DESIGN §15): a new virtual
 * thread per task when the JVM has them (found reflectively, the release being 17), else a
 * bounded pool of daemon threads ({@link #POOL_SIZE}) with an unbounded queue.
 */
final class AsyncThreads {

	/** The most platform threads the fallback pool starts. */
	static final int POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

	private AsyncThreads() {
	}

	static ExecutorService newExecutor() {
		ExecutorService virtual = virtualThreads();
		return (virtual != null) ? virtual : pool();
	}

	/** A virtual thread per task, or null when this JVM has no virtual threads. */
	static @Nullable ExecutorService virtualThreads() {
		try {
			Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
			return (ExecutorService) factory.invoke(null);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

	static ExecutorService pool() {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor pool = new ThreadPoolExecutor(POOL_SIZE, POOL_SIZE, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "statetree-async-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

}
