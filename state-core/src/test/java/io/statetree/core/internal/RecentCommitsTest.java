package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory history against a model: it keeps the last {@code capacity} commits appended,
 * returns those after a revision oldest first (also after a late, out-of-order remote commit),
 * and its horizon is the highest revision it dropped or was told is lost.
 */
class RecentCommitsTest {

	/** One step: append a commit with this revision step (negative: a late one), or mark a loss. */
	record Step(int revisionStep, boolean lost) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> append = Arbitraries.frequency(net.jqwik.api.Tuple.of(8, 1), net.jqwik.api.Tuple.of(2, 3),
				net.jqwik.api.Tuple.of(1, -2)).map((step) -> new Step(step, false));
		Arbitrary<Step> lost = Arbitraries.just(new Step(0, true));
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, append), net.jqwik.api.Tuple.of(1, lost))
			.list()
			.ofMaxSize(40);
	}

	@Property(tries = 300)
	void keepsTheLastCommitsAndReadsThemInRevisionOrder(@ForAll("steps") List<Step> steps,
			@ForAll @IntRange(min = 0, max = 8) int capacity, @ForAll @IntRange(min = 0, max = 5) int start,
			@ForAll @IntRange(min = 0, max = 60) int after, @ForAll @IntRange(min = 1, max = 12) int limit) {
		RecentCommits recent = new RecentCommits(capacity, start);
		List<long[]> appended = new ArrayList<>();
		long horizon = start;
		long revision = start;
		long highest = start;
		for (Step step : steps) {
			if (step.lost()) {
				recent.lostThrough(highest);
				horizon = Math.max(horizon, highest);
				continue;
			}
			revision = Math.max(1, revision + step.revisionStep());
			highest = Math.max(highest, revision);
			recent.append(revision, "origin-" + revision, (revision % 2 == 0) ? "actor" : null, revision - 1,
					List.of(new Change(StatePath.of("/p/" + revision), null, revision, "payload")));
			appended.add(new long[] { revision });
			if (appended.size() > capacity) {
				long droppedRevision = appended.get(appended.size() - 1 - capacity)[0];
				horizon = Math.max(horizon, droppedRevision);
			}
		}
		List<Long> retained = appended.subList(Math.max(0, appended.size() - capacity), appended.size())
			.stream()
			.map((r) -> r[0])
			.filter((r) -> r > after)
			.sorted(Comparator.naturalOrder())
			.limit(limit)
			.toList();
		List<Commit> read = recent.after(after, limit);
		assertThat(read).extracting(Commit::revision).isEqualTo(retained);
		assertThat(recent.retainedAfter()).isEqualTo(horizon);
		for (Commit commit : read) {
			assertThat(commit.origin()).isEqualTo("origin-" + commit.revision());
			assertThat(commit.actor()).isEqualTo((commit.revision() % 2 == 0) ? "actor" : null);
			assertThat(commit.causedBy()).isEqualTo(commit.revision() - 1);
			assertThat(commit.changes()).singleElement().satisfies((change) -> {
				assertThat(change.path()).isEqualTo(StatePath.of("/p/" + commit.revision()));
				assertThat(change.oldValue()).isNull();
				assertThat(change.newValue()).isEqualTo(commit.revision());
			});
		}
	}

}
