package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.statetree.core.backend.FileSystemBackend;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new user changes {@code FileSystemBackend.builder(dir).historySize(n)} between restarts.
 */
class NewUserFileHistorySizeTest {

	private static StateController open(Path directory, int historySize) {
		return StateController.builder().backend(FileSystemBackend.builder(directory).historySize(historySize).build()).build();
	}

	private static void write(StateController state, int from, int to) {
		for (int i = from; i < to; i++) {
			state.set("/n", i);
		}
	}

	@Test
	void aSmallerThenLargerSizeKeepsWhatItCan(@TempDir Path directory) {
		try (StateController state = open(directory, 100)) {
			write(state, 1, 81);
		}
		try (StateController state = open(directory, 10)) {
			List<Commit> history = state.history(0, 10_000);
			assertThat(history.size()).isGreaterThanOrEqualTo(10);
			assertThat(history.get(history.size() - 1).revision()).isEqualTo(80);
			write(state, 81, 91);
		}
		try (StateController state = open(directory, 100)) {
			List<Commit> history = state.history(0, 10_000);
			assertThat(history.get(history.size() - 1).revision()).isEqualTo(90);
			for (int i = 1; i < history.size(); i++) {
				assertThat(history.get(i).revision()).isEqualTo(history.get(i - 1).revision() + 1);
			}
		}
	}

	@Test
	void turningTheLogOffForOneRunLeavesNoSilentGap(@TempDir Path directory) throws Exception {
		try (StateController state = open(directory, 100)) {
			write(state, 1, 21); // revisions 1..20 logged
		}
		try (StateController state = open(directory, 0)) {
			write(state, 21, 31); // revisions 21..30, not logged (historySize 0: no log is written)
			assertThat(state.revision()).isEqualTo(30);
		}
		try (StateController state = open(directory, 100)) {
			assertThat(state.revision()).isEqualTo(30);
			List<Commit> history = state.history(0, 10_000);
			// whatever is kept, it must not claim 1..20 are followed by nothing up to 30 while a
			// watch from 10 replays 11..20 and then silently jumps to live
			for (int i = 1; i < history.size(); i++) {
				assertThat(history.get(i).revision()).as("consecutive revisions in " + history.stream().map(Commit::revision).toList())
					.isEqualTo(history.get(i - 1).revision() + 1);
			}
			NewUserFileCrashTest.Collector collector = new NewUserFileCrashTest.Collector();
			state.watch("/n", 10).subscribe(collector);
			state.set("/n", 31);
			Awaitility.await().atMost(Duration.ofSeconds(10))
				.until(() -> collector.events.stream().anyMatch((e) -> e.revision() == 31));
			List<Long> revisions = collector.events.stream().map(StateEvent::revision).toList();
			// either 11..31 (impossible: 21..30 were not logged) or one resync then 31
			assertThat(collector.events.get(0).isResync()).as("events " + revisions).isTrue();
			assertThat(state.get("/n")).isEqualTo(31);
		}
	}

}
