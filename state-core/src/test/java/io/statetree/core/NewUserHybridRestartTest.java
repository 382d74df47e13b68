package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new user restarts an application whose history is the controller's in-memory one (a hybrid
 * with a memory mount, or files with historySize 0): the revision carries on, the history starts
 * empty, so a watch from a revision of the earlier run must start with a resync, not replay nothing.
 */
class NewUserHybridRestartTest {

	private static StateBackend backend(String kind, Path directory) {
		return switch (kind) {
			case "hybrid" -> new HybridBackend(FileSystemBackend.builder(directory).build()).mount("/sessions",
					new InMemoryBackend());
			case "files-no-log" -> FileSystemBackend.builder(directory).historySize(0).build();
			default -> throw new IllegalArgumentException(kind);
		};
	}

	@ParameterizedTest
	@ValueSource(strings = { "hybrid", "files-no-log" })
	void aWatchFromARevisionOfTheEarlierRunStartsWithAResync(String kind, @TempDir Path directory) {
		try (StateController state = StateController.builder().backend(backend(kind, directory)).build()) {
			for (int i = 1; i <= 20; i++) {
				state.set("/n", i);
			}
		}
		try (StateController state = StateController.builder().backend(backend(kind, directory)).build()) {
			assertThat(state.revision()).isEqualTo(20);
			assertThat(state.history(0, 100)).isEmpty();
			for (long from : List.of(10L, 0L)) {
				NewUserFileCrashTest.Collector collector = new NewUserFileCrashTest.Collector();
				state.watch("/n", from).subscribe(collector);
				state.set("/n", (int) (100 + from));
				long live = state.revision();
				Awaitility.await().atMost(Duration.ofSeconds(10))
					.until(() -> collector.events.stream().anyMatch((e) -> e.revision() == live));
				assertThat(collector.events.get(0).isResync()).as(kind + " from " + from + ": "
						+ collector.events.stream().map((e) -> e.revision() + (e.isResync() ? "R" : "")).toList()).isTrue();
			}
		}
	}

}
