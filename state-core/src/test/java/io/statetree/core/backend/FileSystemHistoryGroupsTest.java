package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.statetree.core.Commit;
import io.statetree.core.LogCapture;
import io.statetree.core.StatePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history log keeps what a consumer group has not handled: beyond {@code historySize}, across
 * a restart, until the group acknowledges it; past ten times the size it drops the oldest with a
 * warning naming the groups behind.
 */
class FileSystemHistoryGroupsTest {

	private static final Duration LONG = Duration.ofMinutes(5);

	@TempDir
	Path temp;

	private FileSystemBackend open(int size) {
		return FileSystemBackend.builder(this.temp).fsync(false).historySize(size).build();
	}

	private static void commits(StateBackend backend, int count) {
		for (int i = 0; i < count; i++) {
			backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/k/" + (i % 3)), backend.revision() + 1)),
					List.of(), "p"));
		}
	}

	private static List<Long> served(StateBackend backend) {
		return backend.history().after(0, 10_000).stream().map(Commit::revision).toList();
	}

	private static void acknowledgeAll(GroupMembership member, long revision) {
		for (PartitionClaim claim : member.claim(LONG, Set.of(), Set.of())) {
			assertThat(member.acknowledge(claim.partition(), claim.token(), revision)).isTrue();
		}
	}

	@Test
	void commitsAGroupHasNotHandledAreKeptAcrossARestartUntilAcknowledged() {
		try (FileSystemBackend backend = open(3)) {
			commits(backend, 2);
			backend.consumerGroups().join("mail", "/k/{id}", "m", 2);
			commits(backend, 12);
			assertThat(served(backend)).hasSize(12).startsWith(3L).endsWith(14L);
			assertThat(backend.history().retainedAfter()).isEqualTo(2);
		}
		try (FileSystemBackend backend = open(3)) {
			assertThat(served(backend)).hasSize(12).startsWith(3L);
			GroupMembership member = backend.consumerGroups().join("mail", "/k/{id}", "m", 0);
			acknowledgeAll(member, 14);
			assertThat(served(backend)).containsExactly(12L, 13L, 14L);
			commits(backend, 6);
			assertThat(served(backend)).containsExactly(15L, 16L, 17L, 18L, 19L, 20L);
			acknowledgeAll(member, 20);
			assertThat(served(backend)).containsExactly(18L, 19L, 20L);
			assertThat(backend.history().retainedAfter()).isEqualTo(17);
		}
	}

	@Test
	void aGroupMoreThanTenTimesTheSizeBehindLosesTheOldestWithAWarningNamingIt() {
		try (FileSystemBackend backend = open(2); LogCapture log = LogCapture.named(FileSystemBackend.class.getName())) {
			backend.consumerGroups().join("mail", "/k/{id}", "m", 0);
			backend.consumerGroups().join("audit", "/k/{id}", "m", 0);
			acknowledgeAll(backend.consumerGroups().join("audit", "/k/{id}", "m", 0), 0);
			commits(backend, 20);
			assertThat(served(backend)).hasSize(20);
			assertThat(log.lines()).isEmpty();
			commits(backend, 4);
			assertThat(served(backend).size()).isBetween(20, 22);
			assertThat(backend.history().retainedAfter()).isPositive();
			assertThat(log.lines()).isNotEmpty().allSatisfy((line) -> assertThat(line).startsWith("WARN")
				.contains("[audit, mail]").contains("have not handled"));
		}
	}

}
