package io.statetree.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The settings of one backend, the root's or a mount's.
 *
 * @param prefix the property prefix of its settings: {@code statetree} or {@code statetree.mounts.<name>}
 * @param mountName the mount's name, or {@code null} for the root
 * @param filesystem its filesystem settings
 * @param redisNamespace its Redis namespace, or {@code null} for the default
 */
record BackendSpec(String prefix, @Nullable String mountName, StateTreeFilesystemProperties filesystem,
		@Nullable String redisNamespace) {

	/**
	 * Returns the name of one of its properties.
	 * @param suffix e.g. {@code filesystem.directory}
	 * @return e.g. {@code statetree.mounts.users.filesystem.directory}
	 */
	String property(String suffix) {
		return this.prefix + "." + suffix;
	}

}
