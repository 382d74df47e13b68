package io.statetree.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.redis.RedisBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Finds the backends behind a controller's backend: a {@link HybridBackend}'s root and mounts,
 * each seen through a {@link CachingBackend} in front of it, and the Redis backends among them
 * (when state-redis is on the classpath).
 */
final class Backends {

	private static final boolean REDIS_PRESENT = ClassUtils.isPresent("io.statetree.redis.RedisBackend",
			Backends.class.getClassLoader());

	private Backends() {
	}

	/**
	 * A backend serving a subtree.
	 * @param mountPoint where it is mounted ({@code /} for the root backend)
	 * @param backend the backend as mounted (possibly a cache in front of the store)
	 */
	record Mounted(StatePath mountPoint, StateBackend backend) {

		/**
		 * The store behind any cache.
		 */
		StateBackend store() {
			StateBackend current = this.backend;
			while (current instanceof CachingBackend caching) {
				current = caching.delegate();
			}
			return current;
		}

	}

	/**
	 * Lists the backends serving the tree, the root's first, then the mounts in path order.
	 */
	static List<Mounted> mounted(StateBackend backend) {
		List<Mounted> result = new ArrayList<>();
		collect(StatePath.ROOT, backend, result);
		return List.copyOf(result);
	}

	private static void collect(StatePath mountPoint, StateBackend backend, List<Mounted> result) {
		StateBackend store = backend;
		while (store instanceof CachingBackend caching) {
			store = caching.delegate();
		}
		if (store instanceof HybridBackend hybrid) {
			collect(mountPoint, hybrid.root(), result);
			for (Map.Entry<StatePath, StateBackend> mount : hybrid.mounts().entrySet()) {
				collect(mount.getKey(), mount.getValue(), result);
			}
			return;
		}
		result.add(new Mounted(mountPoint, backend));
	}

	/**
	 * Returns a mounted store's Redis namespace, or {@code null} when it is not Redis.
	 */
	static @Nullable String redisNamespace(StateBackend store) {
		return REDIS_PRESENT ? Redis.namespace(store) : null;
	}

	/**
	 * Returns how far a mounted store's change feed is behind, in milliseconds: -1 when its feed
	 * does not run, {@code null} when it has no feed.
	 */
	static @Nullable Long feedLagMillis(StateBackend store) {
		return REDIS_PRESENT ? Redis.feedLagMillis(store) : null;
	}

	/**
	 * Touches state-redis only when it is present.
	 */
	private static final class Redis {

		static @Nullable String namespace(StateBackend store) {
			return (store instanceof RedisBackend redis) ? redis.namespace() : null;
		}

		static @Nullable Long feedLagMillis(StateBackend store) {
			return (store instanceof RedisBackend redis) ? redis.feedLagMillis() : null;
		}

	}

}
