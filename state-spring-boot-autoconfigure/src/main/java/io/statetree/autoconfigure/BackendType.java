package io.statetree.autoconfigure;

/**
 * The kinds of storage StateTree can be configured with ({@code statetree.backend},
 * {@code statetree.mounts.<name>.backend}).
 */
public enum BackendType {

	/** In memory, lost when the application stops. */
	MEMORY,

	/** A directory of JSON or YAML files. */
	FILESYSTEM,

	/** Redis, shared by every instance of the application (needs state-redis and Spring Data Redis). */
	REDIS

}
