package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory history's retention for group listeners (DESIGN §13): it grows instead of
 * dropping a commit a group still needs, up to its limit, then drops and counts the loss; a
 * reader never sees a hole while it grows.
 */
class RecentCommitsRetentionTest {

	private static void append(RecentCommits recent, long revision) {
		recent.append(revision, "o", null, 0, List.of(new Change(StatePath.of("/p"), null, revision, null)));
	}

	@Test
	void aNeededCommitIsKeptBeyondTheCapacity() {
		RecentCommits recent = new RecentCommits(4, 0);
		AtomicLong neededAfter = new AtomicLong(0);
		recent.retention((revision, origin, changes) -> revision > neededAfter.get());
		for (long r = 1; r <= 100; r++) {
			append(recent, r);
		}
		assertThat(recent.after(0, 1000)).extracting(Commit::revision).hasSize(100).startsWith(1L);
		assertThat(recent.retainedAfter()).isZero();
		assertThat(recent.neededLostThrough()).isEqualTo(-1);
		// once handled, commits go as usual
		neededAfter.set(100);
		for (long r = 101; r <= 400; r++) {
			append(recent, r);
		}
		assertThat(recent.retainedAfter()).isPositive();
		assertThat(recent.neededLostThrough()).isEqualTo(-1);
	}

	@Test
	void withoutRetentionTheCapacityHolds() {
		RecentCommits recent = new RecentCommits(4, 0);
		for (long r = 1; r <= 10; r++) {
			append(recent, r);
		}
		assertThat(recent.after(0, 1000)).extracting(Commit::revision).containsExactly(7L, 8L, 9L, 10L);
		assertThat(recent.retainedAfter()).isEqualTo(6);
	}

	@Test
	void aZeroCapacityGrowsForAGroupToo() {
		RecentCommits recent = new RecentCommits(0, 5);
		recent.retention((revision, origin, changes) -> true);
		for (long r = 6; r <= 40; r++) {
			append(recent, r);
		}
		assertThat(recent.after(5, 1000)).extracting(Commit::revision).hasSize(35);
		assertThat(recent.retainedAfter()).isEqualTo(5);
	}

	@Test
	void pastTheLimitTheOldestNeededCommitIsDroppedAndCounted() {
		RecentCommits recent = new RecentCommits(16, 0);
		recent.retention((revision, origin, changes) -> true);
		long total = RecentCommits.GROUP_RETENTION_LIMIT + 10L;
		for (long r = 1; r <= total; r++) {
			append(recent, r);
		}
		assertThat(recent.neededLostThrough()).isEqualTo(10);
		assertThat(recent.retainedAfter()).isEqualTo(10);
		assertThat(recent.after(0, 1)).extracting(Commit::revision).containsExactly(11L);
	}

	@Test
	void aReaderSeesNoHoleWhileTheRingGrows() throws Exception {
		RecentCommits recent = new RecentCommits(2, 0);
		recent.retention((revision, origin, changes) -> true);
		AtomicBoolean done = new AtomicBoolean();
		List<String> holes = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			while (!done.get()) {
				List<Commit> read = recent.after(0, 10_000);
				for (int i = 0; i < read.size(); i++) {
					if (read.get(i).revision() != i + 1) {
						holes.add("at " + i + ": " + read.get(i).revision());
						return;
					}
				}
			}
		});
		reader.start();
		for (long r = 1; r <= 5_000; r++) {
			append(recent, r);
		}
		done.set(true);
		reader.join();
		assertThat(holes).isEmpty();
		assertThat(recent.after(0, 10_000)).hasSize(5_000);
	}

}
