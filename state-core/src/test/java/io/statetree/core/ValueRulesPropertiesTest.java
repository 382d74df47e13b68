package io.statetree.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.Serializer;
import io.statetree.core.backend.StateBackend;

/**
 * The value rules' properties on the core backends: memory, files (JSON and YAML, reopened),
 * hybrid (files at the root, memory mounted at {@code /m}) and caching in front of files.
 */
class ValueRulesPropertiesTest extends AbstractValueRulesProperties {

	@Override
	protected List<Store> newStores() {
		return List.of(new Memory(),
				new Directory("files-json", (dir) -> FileSystemBackend.builder(dir).fsync(false).build()),
				new Directory("files-yaml",
						(dir) -> FileSystemBackend.builder(dir).serializer(Serializer.yaml()).fsync(false).build()),
				new Directory("hybrid", (dir) -> new HybridBackend(FileSystemBackend.builder(dir).fsync(false).build())
					.mount("/m", new InMemoryBackend())),
				new Directory("caching", (dir) -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(),
						CachePolicy.defaults())));
	}

	private static final class Memory implements Store {

		@Override
		public StateBackend open() {
			return new InMemoryBackend();
		}

		@Override
		public boolean persistent() {
			return false;
		}

		@Override
		public void close() {
		}

		@Override
		public String toString() {
			return "memory";
		}

	}

	private static final class Directory implements Store {

		private final String name;

		private final Function<Path, StateBackend> factory;

		private final Path directory;

		Directory(String name, Function<Path, StateBackend> factory) {
			this.name = name;
			this.factory = factory;
			try {
				this.directory = Files.createTempDirectory("statetree-values-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public StateBackend open() {
			return this.factory.apply(this.directory);
		}

		@Override
		public boolean persistent() {
			return !this.name.equals("hybrid");
		}

		@Override
		public void close() {
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
