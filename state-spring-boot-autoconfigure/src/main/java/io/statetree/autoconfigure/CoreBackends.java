package io.statetree.autoconfigure;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.Serializer;
import io.statetree.core.backend.StateBackend;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;

/**
 * Creates state-core's filesystem, hybrid and caching backends from the properties.
 */
final class CoreBackends {

	private static final String YAML_MAPPER = "tools.jackson.dataformat.yaml.YAMLMapper";

	private CoreBackends() {
	}

	/**
	 * Opens a filesystem backend.
	 * @param directory the checked directory
	 * @param spec the backend's settings
	 * @param classLoader the application's class loader, to look for YAML support
	 * @param historySize how many commits its history log keeps ({@code statetree.history.size})
	 * @return the backend
	 */
	static StateBackend fileSystem(Path directory, BackendSpec spec, ClassLoader classLoader, int historySize) {
		StateTreeFilesystemProperties settings = spec.filesystem();
		Serializer serializer = switch (settings.getFormat()) {
			case JSON -> Serializer.json();
			case YAML -> {
				if (!ClassUtils.isPresent(YAML_MAPPER, classLoader)) {
					throw new InvalidConfigurationPropertyValueException(spec.property("filesystem.format"), "yaml",
							"The YAML format needs tools.jackson.dataformat:jackson-dataformat-yaml on the classpath.");
				}
				yield Serializer.yaml();
			}
		};
		return FileSystemBackend.builder(directory)
			.serializer(serializer)
			.fsync(settings.isFsync())
			.historySize(historySize)
			.build();
	}

	/**
	 * Returns what puts a backend behind the near cache, or leaves it alone when the cache is
	 * disabled.
	 * @param cache the cache settings
	 * @return the wrapper
	 */
	static Function<StateBackend, StateBackend> nearCache(StateTreeCacheProperties cache) {
		if (!cache.isEnabled()) {
			return Function.identity();
		}
		CachePolicy policy;
		try {
			policy = CachePolicy.builder()
				.flushInterval(cache.getFlushInterval())
				.flushOnWrite(cache.isFlushOnWrite())
				.flushOnRead(cache.isFlushOnRead())
				.flushOnDelete(cache.isFlushOnDelete())
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("statetree.cache.flush-interval",
					cache.getFlushInterval(), ex.getMessage());
		}
		return (backend) -> {
			try {
				return new CachingBackend(backend, policy);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("statetree.cache.flush-on-write",
						cache.isFlushOnWrite() + " / flush-on-delete " + cache.isFlushOnDelete(),
						ex.getMessage() + ". Keep statetree.cache.flush-on-write and flush-on-delete on (write-through) "
								+ "in front of Redis.");
			}
		};
	}

	/**
	 * Mounts backends on a root.
	 * @param root the root backend
	 * @param mounts the mounted backends by path
	 * @return the hybrid backend
	 */
	static StateBackend mount(StateBackend root, Map<StatePath, StateBackend> mounts) {
		HybridBackend hybrid = new HybridBackend(root);
		mounts.forEach(hybrid::mount);
		return hybrid;
	}

}
