package io.statetree.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a mount's Redis backend; the feed retention and value limit are the root's.
 */
public class StateTreeMountRedisProperties {

	/**
	 * Prefix of the mount's keys. When not set, the root namespace, a colon and the mount's
	 * name.
	 */
	private @Nullable String namespace;

	/**
	 * Returns the namespace.
	 * @return the namespace, or {@code null} for the default
	 */
	public @Nullable String getNamespace() {
		return this.namespace;
	}

	/**
	 * Sets the namespace.
	 * @param namespace the namespace
	 */
	public void setNamespace(@Nullable String namespace) {
		this.namespace = namespace;
	}

}
