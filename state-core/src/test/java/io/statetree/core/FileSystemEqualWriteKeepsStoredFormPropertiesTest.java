package io.statetree.core;

import java.nio.file.Path;
import java.util.function.LongSupplier;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;

/** {@link AbstractEqualWriteKeepsStoredFormProperties} on files. */
class FileSystemEqualWriteKeepsStoredFormPropertiesTest extends AbstractEqualWriteKeepsStoredFormProperties {

	@Override
	protected StateBackend newBackend(LongSupplier nanoClock, Path scratch) {
		return VirtualTimeBackends.files(scratch, nanoClock);
	}

}
