package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import io.statetree.core.backend.StateBackend;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Assembles the application's {@link StateBackend} from {@link StateTreeProperties}: the root
 * backend, the mounts (a hybrid backend when there are any), each non-memory backend behind a near
 * cache when the cache is enabled.
 */
final class StateBackends {

	private static final String STATE_REDIS_CLASS = "io.statetree.redis.RedisBackend";

	private static final String SPRING_DATA_REDIS_CLASS = "org.springframework.data.redis.connection.RedisConnectionFactory";

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
		Map<String, StatePath> mountPaths = validateMounts();
		Map<String, StateTreeMountProperties> configured = MountNames.merged(this.properties.getMounts());
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
			throw unavailable(type, spec.property("backend"));
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

	private RuntimeException unavailable(BackendType type, String property) {
		if (type == BackendType.REDIS) {
			if (!ClassUtils.isPresent(STATE_REDIS_CLASS, this.classLoader)) {
				return new RedisBackendUnavailableException(property, RedisBackendUnavailableException.Missing.STATE_REDIS);
			}
			if (!ClassUtils.isPresent(SPRING_DATA_REDIS_CLASS, this.classLoader)) {
				return new RedisBackendUnavailableException(property,
						RedisBackendUnavailableException.Missing.SPRING_DATA_REDIS);
			}
		}
		return new IllegalStateException("No factory for the " + OnBackendCondition.name(type) + " backend named by "
				+ property + "; is StateTree's auto-configuration excluded in part?");
	}

	/**
	 * Checks every mount's path and backend, and that no two paths repeat or contain one another.
	 * @return the mount paths by name, in declaration order
	 */
	private Map<String, StatePath> validateMounts() {
		Map<String, StatePath> paths = new LinkedHashMap<>();
		MountNames.merged(this.properties.getMounts()).forEach((name, mount) -> {
			String prefix = "statetree.mounts." + name;
			String path = mount.getPath();
			if (!StringUtils.hasText(path)) {
				throw new InvalidMountException(prefix + ".path", "is not set; every mount needs the path it is attached at",
						null);
			}
			StatePath parsed;
			try {
				parsed = StatePath.of(path);
			}
			catch (InvalidPathException ex) {
				throw new InvalidMountException(prefix + ".path", "is not a valid path: " + ex.getMessage(), ex);
			}
			if (parsed.isRoot()) {
				throw new InvalidMountException(prefix + ".path",
						"is the root; set statetree.backend to choose the root's backend", null);
			}
			if (mount.getBackend() == null) {
				throw new InvalidMountException(prefix + ".backend",
						"is not set; choose one of memory, filesystem or redis", null);
			}
			for (Map.Entry<String, StatePath> other : paths.entrySet()) {
				String otherProperty = "statetree.mounts." + other.getKey() + ".path";
				if (other.getValue().equals(parsed)) {
					throw new InvalidMountException(prefix + ".path",
							"repeats " + otherProperty + " (" + parsed + "); each mount needs its own path", null);
				}
				if (other.getValue().isAncestorOf(parsed) || parsed.isAncestorOf(other.getValue())) {
					throw new InvalidMountException(prefix + ".path", "(" + parsed + ") overlaps " + otherProperty + " ("
							+ other.getValue() + "); a mount may not contain another", null);
				}
			}
			paths.put(name, parsed);
		});
		return paths;
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
