package io.statetree.core.backend;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.AbstractExpiryProperties;

/**
 * The virtual-time expiry properties on {@link InMemoryBackend}, whose clock this package can set.
 */
class InMemoryExpiryPropertiesTest extends AbstractExpiryProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return new InMemoryBackend(nanoClock);
	}

}
