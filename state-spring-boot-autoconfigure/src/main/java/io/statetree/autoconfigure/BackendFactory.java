package io.statetree.autoconfigure;

import io.statetree.core.backend.StateBackend;

/**
 * Creates the backends of one type, for the root or a mount. One bean per type in use.
 */
interface BackendFactory {

	/**
	 * Returns the type this factory creates.
	 * @return the type
	 */
	BackendType type();

	/**
	 * Creates a backend.
	 * @param spec where and how
	 * @return the backend
	 */
	StateBackend create(BackendSpec spec);

}
