package io.statetree.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateDirectoryLockedException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * The backend factories that need nothing beyond state-core, each created only when its type is
 * in use. (Redis is in {@link RedisBackendConfiguration}.)
 */
final class BackendConfigurations {

	private BackendConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(StateBackend.class)
	@ConditionalOnBackend(BackendType.MEMORY)
	static class MemoryBackendConfiguration {

		@Bean
		BackendFactory memoryStateBackendFactory() {
			return new BackendFactory() {

				@Override
				public BackendType type() {
					return BackendType.MEMORY;
				}

				@Override
				public StateBackend create(BackendSpec spec) {
					return new InMemoryBackend();
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(StateBackend.class)
	@ConditionalOnBackend(BackendType.FILESYSTEM)
	static class FileSystemBackendConfiguration {

		@Bean
		BackendFactory fileSystemStateBackendFactory(ResourceLoader resourceLoader, StateTreeProperties properties) {
			ClassLoader classLoader = resourceLoader.getClassLoader();
			int configured = StateTreeAutoConfiguration.historySize(properties);
			// The controller reads the history of the backend it is given. A write-through near
			// cache passes its filesystem backend's history on; a hybrid (mounts) or a write-behind
			// cache has none of its own, so the controller then keeps the history in memory, and a
			// filesystem backend's log would only cost a write and an fsync per commit: it gets none.
			StateTreeCacheProperties cache = properties.getCache();
			boolean writeThrough = !cache.isEnabled() || (cache.isFlushOnWrite() && cache.isFlushOnDelete());
			int historySize = (properties.getMounts().isEmpty() && writeThrough) ? configured : 0;
			return new BackendFactory() {

				@Override
				public BackendType type() {
					return BackendType.FILESYSTEM;
				}

				@Override
				public StateBackend create(BackendSpec spec) {
					Path directory = usableDirectory(spec);
					try {
						return CoreBackends.fileSystem(directory, spec,
								(classLoader != null) ? classLoader : BackendConfigurations.class.getClassLoader(),
								historySize);
					}
					catch (StateDirectoryLockedException ex) {
						String reason = (ex.overlapping() != null)
								? "overlaps another state directory (" + ex.holder() + ")"
								: "is already in use by another StateTree backend (" + ex.holder() + ")";
						throw new StateDirectoryException(spec.property("filesystem.directory"), directory, reason, ex);
					}
				}

			};
		}

		/**
		 * Creates the directory when missing and checks that it can be written.
		 * @param spec the backend's settings
		 * @return the directory
		 */
		static Path usableDirectory(BackendSpec spec) {
			String property = spec.property("filesystem.directory");
			Path directory = spec.filesystem().getDirectory();
			if (directory == null) {
				throw new StateDirectoryException(property, null, "is not set; the filesystem backend needs a directory",
						null);
			}
			try {
				Files.createDirectories(directory);
			}
			catch (IOException | SecurityException ex) {
				throw new StateDirectoryException(property, directory, "cannot be created (" + ex + ")", ex);
			}
			if (!Files.isDirectory(directory)) {
				throw new StateDirectoryException(property, directory, "is not a directory", null);
			}
			try {
				Files.delete(Files.createTempFile(directory, ".statetree-probe", ".tmp"));
			}
			catch (IOException | SecurityException ex) {
				throw new StateDirectoryException(property, directory, "is not writable (" + ex + ")", ex);
			}
			return directory;
		}

	}

}
