package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.statetree.core.DispatchModel.CommitLog;
import io.statetree.core.DispatchModel.Op;
import io.statetree.core.DispatchModel.Recorder;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Concurrent writers and several listeners, on every core backend and in both dispatch modes:
 * the final tree is the commit log applied in order, and every listener hears exactly the
 * commits the log implies for its pattern, once each, in revision order (see
 * {@link DispatchModel}; the Redis backend runs the same model with several controllers in
 * state-redis).
 */
class DispatchPropertiesTest {

	enum Backend {

		MEMORY, FILESYSTEM, HYBRID, CACHING;

		StateBackend create(Path directory) {
			return switch (this) {
				case MEMORY -> new InMemoryBackend();
				case FILESYSTEM -> FileSystemBackend.builder(directory).fsync(false).build();
				case HYBRID -> new HybridBackend(new InMemoryBackend()).mount("/persistent",
						FileSystemBackend.builder(directory).fsync(false).build());
				case CACHING -> new CachingBackend(FileSystemBackend.builder(directory).fsync(false).build(),
						CachePolicy.defaults());
			};
		}

	}

	@Provide
	Arbitrary<List<List<Op>>> work() {
		return DispatchModel.workloads(3, 12);
	}

	@Property(tries = 60)
	void listenersHearExactlyTheCommitLogInRevisionOrder(@ForAll Backend backend,
			@ForAll StateController.Dispatch dispatch, @ForAll("work") List<List<Op>> work) throws Exception {
		Path directory = Files.createTempDirectory("statetree-dispatch");
		try {
			CommitLog log = new CommitLog();
			try (StateController controller = StateController.builder()
				.backend(backend.create(directory))
				.dispatch(dispatch)
				.observer(log)
				.build()) {
				List<Recorder> recorders = DispatchModel.subscribe(controller);
				DispatchModel.run(List.of(controller), work);
				DispatchModel.settle(List.of(controller), List.of(log));
				DispatchModel.check(controller, log, recorders);
				DispatchModel.checkGapFree(controller, log);
			}
		}
		finally {
			delete(directory);
		}
	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
