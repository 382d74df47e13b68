package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;

/**
 * What a backend tells operators about itself, so that tools (the actuator's overview, its health
 * contributor, the feed-lag gauge) can walk a composed backend without knowing its classes: its
 * type, its settings, the backends it is made of, and how far its change feed is behind. Returned
 * by {@link StateBackend#description()}.
 * <p>
 * A backend is one of three shapes: a <em>store</em> (no delegate, no mounts: memory, files,
 * Redis), a backend <em>in front of</em> another one ({@link #delegate()} set: a cache), or a
 * backend <em>composed</em> of others ({@link #mounts()} not empty: a hybrid, whose root backend
 * is listed first, at {@code /}).
 * <p>
 * Immutable (the parts are the live backends, which are thread-safe themselves). A description is
 * a snapshot: {@link #feedLagMillis()} is the lag when it was made.
 *
 * @param type the backend's short type name, such as {@code memory}, {@code filesystem},
 * {@code hybrid}, {@code caching} or {@code redis}; the class's simple name for a backend that
 * names no type
 * @param details the backend's settings, as {@link StateBackend#describe()} gives them (such as
 * the directory, the Redis namespace); JSON-like values, no secrets; unmodifiable
 * @param delegate the backend behind this one, for a backend in front of another (a cache);
 * {@code null} otherwise
 * @param mounts the backends this one is composed of, each with the path it serves, the root's
 * ({@code /}) first, then the mount points in the order the backend lists them; empty for a
 * backend not composed of others; unmodifiable
 * @param feedLagMillis for a backend with a change feed of other instances' commits: how far the
 * feed is behind, in milliseconds ({@code -1} while it does not run); {@code null} for a backend
 * without a change feed
 */
public record BackendDescription(String type, Map<String, Object> details, @Nullable StateBackend delegate,
		List<Mount> mounts, @Nullable Long feedLagMillis) {

	/**
	 * Creates a description, copying the details (in their order) and the mounts.
	 * @param type the type name
	 * @param details the settings
	 * @param delegate the backend behind this one, or {@code null}
	 * @param mounts the backends this one is composed of, or an empty list
	 * @param feedLagMillis the change feed's lag, or {@code null} without a feed
	 */
	public BackendDescription {
		details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
		mounts = List.copyOf(mounts);
	}

	/**
	 * Describes a store: a backend neither in front of another nor composed of others, without a
	 * change feed. Its type is the {@code type} entry of its {@link StateBackend#describe()} map,
	 * or else its class's simple name.
	 * @param backend the backend
	 * @return its description
	 */
	public static BackendDescription of(StateBackend backend) {
		Map<String, Object> details = backend.describe();
		Object type = details.get("type");
		return new BackendDescription((type != null) ? type.toString() : backend.getClass().getSimpleName(), details,
				null, List.of(), null);
	}

	/**
	 * Describes a store with a change feed of other instances' commits.
	 * @param type the type name
	 * @param details the settings
	 * @param feedLagMillis how far the feed is behind, in milliseconds ({@code -1} while it does
	 * not run)
	 * @return the description
	 */
	public static BackendDescription ofSharedStore(String type, Map<String, Object> details, long feedLagMillis) {
		return new BackendDescription(type, details, null, List.of(), feedLagMillis);
	}

	/**
	 * Describes a backend in front of another one (a cache).
	 * @param type the type name
	 * @param details the settings
	 * @param delegate the backend behind it
	 * @return the description
	 */
	public static BackendDescription inFrontOf(String type, Map<String, Object> details, StateBackend delegate) {
		return new BackendDescription(type, details, delegate, List.of(), null);
	}

	/**
	 * Describes a backend composed of others: a root backend and backends mounted at paths.
	 * @param type the type name
	 * @param details the settings
	 * @param root the backend serving every path not under a mount point
	 * @param mounts the mounted backends by mount point, in the order to list them
	 * @return the description, its {@link #mounts()} the root's ({@code /}) first
	 */
	public static BackendDescription composed(String type, Map<String, Object> details, StateBackend root,
			Map<StatePath, StateBackend> mounts) {
		List<Mount> parts = new ArrayList<>(mounts.size() + 1);
		parts.add(new Mount(StatePath.ROOT, root));
		for (Map.Entry<StatePath, StateBackend> mount : mounts.entrySet()) {
			parts.add(new Mount(mount.getKey(), mount.getValue()));
		}
		return new BackendDescription(type, details, null, parts, null);
	}

	/**
	 * A backend serving a subtree of a composed backend.
	 * @param mountPoint the path it serves ({@code /} for the root backend)
	 * @param backend the backend, as mounted (possibly a cache in front of a store)
	 */
	public record Mount(StatePath mountPoint, StateBackend backend) {
	}

}
