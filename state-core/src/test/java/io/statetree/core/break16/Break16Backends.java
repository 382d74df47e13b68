package io.statetree.core.break16;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;

import io.statetree.core.StateController;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;

/** The four core backends a new user can pick, each over a fresh temporary directory. */
enum Break16Backends {

	MEMORY((dir) -> new InMemoryBackend()),

	FILES((dir) -> FileSystemBackend.builder(dir).fsync(false).build()),

	/** A memory root with files mounted at {@code /m}: paths under {@code /m} go to the files. */
	HYBRID((dir) -> new HybridBackend(new InMemoryBackend()).mount("/m",
			FileSystemBackend.builder(dir).fsync(false).build())),

	CACHING((dir) -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(), CachePolicy.defaults()));

	private final Function<Path, StateBackend> factory;

	Break16Backends(Function<Path, StateBackend> factory) {
		this.factory = factory;
	}

	StateBackend newBackend() {
		return this.factory.apply(newDirectory());
	}

	StateBackend newBackend(Path directory) {
		return this.factory.apply(directory);
	}

	Path newDirectory() {
		try {
			return Files.createTempDirectory("break16-" + name().toLowerCase());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	StateController newController() {
		return StateController.builder().backend(newBackend()).build();
	}

	StateController newController(StateController.Dispatch dispatch) {
		return StateController.builder().backend(newBackend()).dispatch(dispatch).build();
	}

	static Stream<Break16Backends> all() {
		return Stream.of(values());
	}

}
