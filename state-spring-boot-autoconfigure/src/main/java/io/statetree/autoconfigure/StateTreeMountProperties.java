package io.statetree.autoconfigure;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * A subtree stored by its own backend.
 */
public class StateTreeMountProperties {

	/**
	 * Path where the subtree is attached, such as /persistent.
	 */
	private @Nullable String path;

	/**
	 * Backend that stores the subtree.
	 */
	private @Nullable BackendType backend;

	@NestedConfigurationProperty
	private final StateTreeFilesystemProperties filesystem = new StateTreeFilesystemProperties();

	@NestedConfigurationProperty
	private final StateTreeMountRedisProperties redis = new StateTreeMountRedisProperties();

	/**
	 * Returns the mount path.
	 * @return the path, or {@code null} when not set
	 */
	public @Nullable String getPath() {
		return this.path;
	}

	/**
	 * Sets the mount path.
	 * @param path the path
	 */
	public void setPath(@Nullable String path) {
		this.path = path;
	}

	/**
	 * Returns the backend type.
	 * @return the type, or {@code null} when not set
	 */
	public @Nullable BackendType getBackend() {
		return this.backend;
	}

	/**
	 * Sets the backend type.
	 * @param backend the type
	 */
	public void setBackend(@Nullable BackendType backend) {
		this.backend = backend;
	}

	/**
	 * Returns the settings of the mount's filesystem backend.
	 * @return the settings
	 */
	public StateTreeFilesystemProperties getFilesystem() {
		return this.filesystem;
	}

	/**
	 * Returns the settings of the mount's Redis backend.
	 * @return the settings
	 */
	public StateTreeMountRedisProperties getRedis() {
		return this.redis;
	}

}
