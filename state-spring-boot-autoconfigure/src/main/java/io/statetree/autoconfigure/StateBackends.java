package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.StateBackend;

/**
 * Assembles the application's {@link StateBackend} from {@link StateTreeProperties}: the root
 * backend, the mounts (a hybrid backend when there are any), each non-memory backend behind a near
 * cache when the cache is enabled.
 */
final class StateBackends {

	private final StateTreeProperties properties;

	private final Map<BackendType, BackendFactory> factories;

	private final Function<StateBackend, StateBackend> cache;

	private final MountAssembler mountAssembler;

	private final ClassLoader classLoader;

	/**
	 * Creates an assembler.
	 * @param properties the properties
	 * @param factories a factory per type in use
	 * @param cache wraps a non-memory backend in a near cache, when the cache is enabled
	 * @param mountAssembler combines the root and the mounts
	 * @param classLoader the application's class loader, to tell which library is missing
	 */
	StateBackends(StateTreeProperties properties, List<BackendFactory> factories,
			Function<StateBackend, StateBackend> cache, MountAssembler mountAssembler, ClassLoader classLoader) {
		this.properties = properties;
		this.factories = new LinkedHashMap<>();
		factories.forEach((factory) -> this.factories.putIfAbsent(factory.type(), factory));
		this.cache = cache;
		this.mountAssembler = mountAssembler;
		this.classLoader = classLoader;
	}

	/**
	 * Creates the backend. Nothing stays open when this fails.
	 * @return the backend
	 * @throws InvalidMountException if a mount is invalid
	 * @throws RedisBackendUnavailableException if Redis is configured but cannot be used
	 * @throws StateDirectoryException if a directory is not usable
	 */
	StateBackend create() {
		// without mounts, nothing here loads the classes of the mounts' checks and failures
		boolean hasMounts = !this.properties.getMounts().isEmpty();
		Map<String, StatePath> mountPaths = hasMounts ? MountPaths.validate(this.properties.getMounts()) : Map.of();
		Map<String, StateTreeMountProperties> configured = hasMounts ? MountNames.merged(this.properties.getMounts())
				: Map.of();
		List<StateBackend> created = new ArrayList<>();
		try {
			BackendSpec rootSpec = new BackendSpec("statetree", null, this.properties.getFilesystem(),
					this.properties.getRedis().getNamespace());
			StateBackend root = create(this.properties.getBackend(), rootSpec, created);
			if (mountPaths.isEmpty()) {
				return root;
			}
			Map<StatePath, StateBackend> mounts = new LinkedHashMap<>();
			for (Map.Entry<String, StatePath> entry : mountPaths.entrySet()) {
				String name = entry.getKey();
				StateTreeMountProperties mount = configured.get(name);
				String namespace = mount.getRedis().getNamespace();
				BackendSpec spec = new BackendSpec("statetree.mounts." + name, name, mount.getFilesystem(),
						(namespace != null) ? namespace : this.properties.getRedis().getNamespace() + ":" + name);
				BackendType type = mount.getBackend();
				if (type == null) {
					throw new IllegalStateException("Mount " + name + " has no backend");
				}
				mounts.put(entry.getValue(), create(type, spec, created));
			}
			return this.mountAssembler.assemble(root, mounts);
		}
		catch (RuntimeException ex) {
			for (int i = created.size() - 1; i >= 0; i--) {
				try {
					created.get(i).close();
				}
				catch (RuntimeException closeFailure) {
					ex.addSuppressed(closeFailure);
				}
			}
			throw ex;
		}
	}

	private StateBackend create(BackendType type, BackendSpec spec, List<StateBackend> created) {
		BackendFactory factory = this.factories.get(type);
		if (factory == null) {
			throw MissingBackendFactory.failure(type, spec.property("backend"), this.classLoader);
		}
		StateBackend backend = factory.create(spec);
		created.add(backend);
		if (type == BackendType.MEMORY) {
			return backend;
		}
		StateBackend cached = this.cache.apply(backend);
		if (cached != backend) {
			created.add(cached);
		}
		return cached;
	}

	/**
	 * Combines the root backend and the mounts.
	 */
	@FunctionalInterface
	interface MountAssembler {

		/**
		 * Combines the backends.
		 * @param root the root backend
		 * @param mounts the mounted backends by path, in declaration order, none containing another
		 * @return the combined backend
		 */
		StateBackend assemble(StateBackend root, Map<StatePath, StateBackend> mounts);

	}

}
