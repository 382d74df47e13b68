package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.statetree.core.backend.FileSystemBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import org.awaitility.Awaitility;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs of a filesystem backend whose history size changes between restarts (0 turns the log off
 * for a run), each writing some commits, checked against a model of which revisions were logged
 * without a gap since: the history never claims a commit follows another when commits between
 * them were not logged, and a watch from any earlier revision either replays every commit after
 * it or starts with one resync, never skipping silently.
 */
class FileHistorySizeChangesPropertiesTest {

	@Provide
	Arbitrary<List<Tuple2<Integer, Integer>>> runs() {
		Arbitrary<Integer> sizes = Arbitraries.of(0, 0, 3, 5, 100);
		Arbitrary<Integer> writes = Arbitraries.integers().between(0, 8);
		return net.jqwik.api.Combinators.combine(sizes, writes).as(Tuple::of).list().ofMinSize(1).ofMaxSize(6);
	}

	@Property(tries = 15)
	void aWatchFromAnyRevisionNeverSkipsCommitsSilently(@ForAll("runs") List<Tuple2<Integer, Integer>> runs)
			throws IOException {
		Path directory = Files.createTempDirectory("history-size");
		try {
			long revision = 0;
			// the model: the revisions logged contiguously up to the last one (empty after a run without a log)
			List<Long> logged = new ArrayList<>();
			for (Tuple2<Integer, Integer> run : runs) {
				int size = run.get1();
				try (StateController state = StateController.builder()
					.backend(FileSystemBackend.builder(directory).historySize(size).fsync(false).build())
					.build()) {
					assertThat(state.revision()).isEqualTo(revision);
					if (size > 0) {
						check(state, logged, revision);
					}
					for (int i = 0; i < run.get2(); i++) {
						state.set("/n", ++revision);
						if (size > 0) {
							logged.add(revision);
						}
						else {
							logged.clear();
						}
					}
					if (size > 0 && run.get2() > 0) {
						check(state, logged, revision);
					}
				}
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	private static void check(StateController state, List<Long> logged, long revision) {
		List<Long> history = state.history(0, 10_000).stream().map(Commit::revision).toList();
		for (int i = 1; i < history.size(); i++) {
			assertThat(history.get(i)).as("consecutive: " + history).isEqualTo(history.get(i - 1) + 1);
		}
		assertThat(logged).as("the model's logged revisions end the history " + history)
			.endsWith(history.toArray(new Long[0]));
		for (long from = 0; from < revision; from++) {
			NewUserFileCrashTest.Collector collector = new NewUserFileCrashTest.Collector();
			state.watch("/n", from).subscribe(collector);
			long after = from;
			Awaitility.await().atMost(Duration.ofSeconds(10))
				.until(() -> collector.events.stream().anyMatch((e) -> e.revision() >= revision));
			List<StateEvent> events = collector.events;
			if (events.get(0).isResync()) {
				// only when the history does not reach back to the revision asked for
				assertThat(history.isEmpty() || history.get(0) > after + 1).as("resync from " + after + " with " + history)
					.isTrue();
				continue;
			}
			for (int i = 0; i < events.size(); i++) {
				assertThat(events.get(i).revision()).as("replay from " + after).isEqualTo(after + 1 + i);
			}
		}
	}

}
