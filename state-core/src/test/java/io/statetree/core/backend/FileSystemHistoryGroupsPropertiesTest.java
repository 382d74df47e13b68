package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.statetree.core.Commit;
import io.statetree.core.LogCapture;
import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history log against a consumer group's cursors: random retention sizes, random commits,
 * acknowledgements of random partitions and reopenings. After every step the log serves a
 * contiguous run of commits ending at the last one that holds the last {@code size} commits and
 * every commit after the group's slowest cursor, unless the log warned that it dropped commits
 * the group had not handled, which it only does when the group is more than
 * {@link HistoryLog#heldLimit()} commits behind; {@code retainedAfter()} is where the run starts.
 */
class FileSystemHistoryGroupsPropertiesTest {

	private static final Duration LONG = Duration.ofMinutes(5);

	/** One step: a reopen (-1), a commit (0–5), an acknowledgement of partition n - 6 to the last revision (6–21). */
	@Provide
	Arbitrary<List<Integer>> steps() {
		return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(-1)),
				Tuple.of(12, Arbitraries.integers().between(0, 5)),
				Tuple.of(4, Arbitraries.integers().between(6, 21)))
			.list().ofMinSize(0).ofMaxSize(150);
	}

	@Property(tries = 30)
	void theLogKeepsWhatTheGroupHasNotHandledUpToItsBound(@ForAll @IntRange(min = 1, max = 5) int size,
			@ForAll("steps") List<Integer> steps) throws IOException {
		Path dir = Files.createTempDirectory("statetree-history-groups");
		long[] cursors = new long[FileConsumerGroups.PARTITIONS];
		long written = 0;
		boolean warned = false;
		try (LogCapture log = LogCapture.named(FileSystemBackend.class.getName())) {
			FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(false).historySize(size).build();
			try {
				GroupMembership member = backend.consumerGroups().join("g", "/k/{id}", "m", 0);
				List<PartitionClaim> claims = member.claim(LONG, Set.of(), Set.of());
				long limit = 10L * size;
				for (int step : steps) {
					int warningsBefore = warnings(log);
					long floorBefore = Arrays.stream(cursors).min().orElseThrow();
					if (step < 0) {
						backend.close();
						backend = FileSystemBackend.builder(dir).fsync(false).historySize(size).build();
						member = backend.consumerGroups().join("g", "/k/{id}", "m", 0);
						claims = member.claim(LONG, Set.of(), Set.of());
					}
					else if (step < 6) {
						written++;
						backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/k/" + step), written)), List.of(), "p"));
					}
					else {
						PartitionClaim claim = claims.get(step - 6);
						assertThat(member.acknowledge(claim.partition(), claim.token(), written)).isTrue();
						cursors[claim.partition()] = written;
					}
					if (warnings(log) > warningsBefore) {
						assertThat(written - floorBefore).as("warned while the group was within the bound").isGreaterThan(limit);
						warned = true;
					}
					check(backend, size, written, Arrays.stream(cursors).min().orElseThrow(), warned);
				}
			}
			finally {
				backend.close();
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	private static int warnings(LogCapture log) {
		return (int) log.lines().stream().filter((line) -> line.startsWith("WARN") && line.contains("consumer groups")).count();
	}

	private static void check(FileSystemBackend backend, int size, long written, long floor, boolean warned) {
		List<Long> served = backend.history().after(0, 1_000_000).stream().map(Commit::revision).toList();
		long retained = backend.history().retainedAfter();
		long first = written - served.size() + 1;
		for (int i = 0; i < served.size(); i++) {
			assertThat(served.get(i)).as("contiguous, ending at the last commit").isEqualTo(first + i);
		}
		assertThat((long) served.size()).as("at least the last size commits").isGreaterThanOrEqualTo(Math.min(size, written));
		assertThat(retained).as("retainedAfter is where the served run starts").isEqualTo(served.isEmpty() ? retained : first - 1);
		assertThat(backend.history().after(retained, 1_000_000)).hasSize(served.size());
		if (!warned) {
			assertThat(first - 1).as("every commit after the slowest cursor %d is served", floor).isLessThanOrEqualTo(floor);
		}
	}

}
