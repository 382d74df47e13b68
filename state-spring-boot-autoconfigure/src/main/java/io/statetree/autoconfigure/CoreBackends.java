package io.statetree.autoconfigure;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.StateBackend;

/**
 * Creates state-core's filesystem, hybrid and caching backends. TEMPORARY until branch fs lands.
 */
final class CoreBackends {

	private CoreBackends() {
	}

	static StateBackend fileSystem(Path directory, BackendSpec spec) {
		throw new UnsupportedOperationException("TEMP: FileSystemBackend lands with branch fs");
	}

	static Function<StateBackend, StateBackend> nearCache(StateTreeProperties.Cache cache) {
		return (backend) -> {
			if (!cache.isEnabled()) {
				return backend;
			}
			throw new UnsupportedOperationException("TEMP: CachingBackend lands with branch fs");
		};
	}

	static StateBackend mount(StateBackend root, Map<StatePath, StateBackend> mounts) {
		throw new UnsupportedOperationException("TEMP: HybridBackend lands with branch fs");
	}

}
