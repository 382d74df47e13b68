package io.statetree.core.fix16;

import java.nio.file.Files;
import java.nio.file.Path;

import io.statetree.core.StateController;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Finding 1 of issue 16 as a property, on the four core backends with both dispatches: a random
 * mutable value passed to each async write method and changed right after the call is stored
 * and heard as it was at the call ({@link AsyncValueAtCall}).
 */
class Fix16AsyncValueAtCallPropertiesTest {

	enum Backend {

		MEMORY, FILES, HYBRID, CACHING;

		StateBackend create() throws Exception {
			Path dir = Files.createTempDirectory("fix16-" + name().toLowerCase());
			return switch (this) {
				case MEMORY -> new InMemoryBackend();
				case FILES -> FileSystemBackend.builder(dir).fsync(false).build();
				case HYBRID -> new HybridBackend(new InMemoryBackend()).mount("/m",
						FileSystemBackend.builder(dir).fsync(false).build());
				case CACHING -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(),
						CachePolicy.defaults());
			};
		}

	}

	@Property(tries = 200)
	void aValueChangedAfterAnAsyncWriteIsWrittenAndHeardAsAtTheCall(@ForAll Backend backend,
			@ForAll AsyncValueAtCall.Method method, @ForAll StateController.Dispatch dispatch,
			@ForAll @IntRange(min = 0, max = 3) int path, @ForAll long seed) throws Exception {
		try (StateController c = StateController.builder().backend(backend.create()).dispatch(dispatch).build()) {
			AsyncValueAtCall.check(c, "/m/p" + path, method, seed);
		}
	}

}
