package io.statetree.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.core.io.Resource;

/**
 * Configuration properties for StateTree ({@code statetree.*}).
 */
@ConfigurationProperties("statetree")
public class StateTreeProperties {

	/**
	 * Backend that stores the tree (outside of mounts).
	 */
	private BackendType backend = BackendType.MEMORY;

	/**
	 * Identifier of this instance, reported as the origin of its changes. When not set, a random
	 * UUID.
	 */
	private @Nullable String instanceId;

	/**
	 * Location of a JSON document loaded into the tree at start-up when the tree is empty: an
	 * object written at the root, or a snapshot (an object with exactly the keys path, revision
	 * and value, as StateController.snapshot gives) restored at its path.
	 */
	private @Nullable Resource initialState;

	@NestedConfigurationProperty
	private final StateTreeFilesystemProperties filesystem = new StateTreeFilesystemProperties();

	@NestedConfigurationProperty
	private final StateTreeRedisProperties redis = new StateTreeRedisProperties();

	@NestedConfigurationProperty
	private final StateTreeCacheProperties cache = new StateTreeCacheProperties();

	@NestedConfigurationProperty
	private final StateTreeListenersProperties listeners = new StateTreeListenersProperties();

	@NestedConfigurationProperty
	private final StateTreeHistoryProperties history = new StateTreeHistoryProperties();

	/**
	 * Subtrees stored by their own backend, keyed by a name of your choice. Each mount sets
	 * 'path' (where the subtree is attached, such as /persistent), 'backend' (memory, filesystem
	 * or redis) and that backend's own settings: 'filesystem.directory', 'filesystem.format',
	 * 'filesystem.fsync' or 'redis.namespace'. Mount paths may neither repeat nor contain one
	 * another.
	 */
	private final Map<String, StateTreeMountProperties> mounts = new LinkedHashMap<>();

	/**
	 * Returns the root backend type.
	 * @return the backend type
	 */
	public BackendType getBackend() {
		return this.backend;
	}

	/**
	 * Sets the root backend type.
	 * @param backend the backend type
	 */
	public void setBackend(BackendType backend) {
		this.backend = backend;
	}

	/**
	 * Returns the instance id.
	 * @return the id, or {@code null} for a random one
	 */
	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	/**
	 * Sets the instance id.
	 * @param instanceId the id, or {@code null} for a random one
	 */
	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	/**
	 * Returns the initial state resource.
	 * @return the resource, or {@code null}
	 */
	public @Nullable Resource getInitialState() {
		return this.initialState;
	}

	/**
	 * Sets the initial state resource.
	 * @param initialState the resource, or {@code null}
	 */
	public void setInitialState(@Nullable Resource initialState) {
		this.initialState = initialState;
	}

	/**
	 * Returns the settings of the root filesystem backend.
	 * @return the settings
	 */
	public StateTreeFilesystemProperties getFilesystem() {
		return this.filesystem;
	}

	/**
	 * Returns the settings of the Redis backend.
	 * @return the settings
	 */
	public StateTreeRedisProperties getRedis() {
		return this.redis;
	}

	/**
	 * Returns the settings of the near cache.
	 * @return the settings
	 */
	public StateTreeCacheProperties getCache() {
		return this.cache;
	}

	/**
	 * Returns the settings of listener dispatch.
	 * @return the settings
	 */
	public StateTreeListenersProperties getListeners() {
		return this.listeners;
	}

	public StateTreeHistoryProperties getHistory() {
		return this.history;
	}

	/**
	 * Returns the mounts by name, in declaration order.
	 * @return the mounts
	 */
	public Map<String, StateTreeMountProperties> getMounts() {
		return this.mounts;
	}

	/**
	 * File formats of the filesystem backend.
	 */
	public enum Format {

		/** One {@code .json} file per value. */
		JSON,

		/** One {@code .yaml} file per value (needs jackson-dataformat-yaml). */
		YAML

	}

}
