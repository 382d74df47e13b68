package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Break issue 14: a process writing entries with every kind of lifetime is killed with SIGKILL
 * ({@link Break14CrashWorker}); at the next open the ephemeral entries are gone (with what was
 * written below them), an equal permanent rewrite of an ephemeral entry survives, a time to live
 * that replaced an ephemeral lifetime is kept, what fell due while the process was dead is gone,
 * each by one expiry commit in the history, none again at the open after that; a branch whose only
 * child was ephemeral is gone too. On files, and on a hybrid's files root.
 */
class FilesLifetimesAfterKillTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "files", "hybrid" })
	void whatAKilledProcessLeftIsSortedAtTheNextOpen(String kind) throws Exception {
		Path d = this.dir.resolve("state");
		runAndKill(d, kind);
		await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true);
		StateController c = open(d, kind);
		try {
			assertThat(c.get("/p")).isEqualTo(Map.of("long", "l", "plain", "p", "eph2", "e2", "later", "y"));
			assertThat(c.childNames("/p")).containsExactlyInAnyOrder("long", "plain", "eph2", "later");
			assertThat(c.get("/q")).as("a branch whose only child was ephemeral (an empty branch, as in memory)")
				.isIn(null, Map.of());
			assertThat(c.timeToLive("/p/long")).isBetween(Duration.ofMinutes(55), Duration.ofHours(1));
			assertThat(c.timeToLive("/p/later")).isBetween(Duration.ofMinutes(115), Duration.ofHours(2));
			assertThat(c.timeToLive("/p/eph2")).isNull();
			if (kind.equals("files")) {
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(c.history(0, 100))
					.filteredOn(Commit::expiry)
					.flatExtracting(Commit::changes)
					.extracting(ch -> ch.path().toString())
					.containsExactlyInAnyOrder("/p/eph", "/p/short", "/q/only"));
			}
		}
		finally {
			c.close();
		}
		StateController again = open(d, kind);
		try {
			await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true);
			assertThat(again.get("/p")).isEqualTo(Map.of("long", "l", "plain", "p", "eph2", "e2", "later", "y"));
			if (kind.equals("files")) {
				assertThat(again.history(0, 100)).filteredOn(Commit::expiry).hasSize(3);
			}
		}
		finally {
			again.close();
		}
	}

	private static StateController open(Path d, String kind) {
		StateBackend files = FileSystemBackend.builder(d).fsync(true).build();
		StateBackend backend = kind.equals("hybrid") ? new HybridBackend(files).mount("/mem", new InMemoryBackend())
				: files;
		return StateController.builder().backend(backend).build();
	}

	private static void runAndKill(Path directory, String kind) throws Exception {
		ChildJvm child = ChildJvm.start(Break14CrashWorker.class, directory.toString(), kind);
		try {
			assertThat(child.awaitLines(Duration.ofSeconds(90), (lines) -> lines.contains("READY")))
				.as("the worker got ready: " + child.lines()).isTrue();
		}
		finally {
			child.kill();
		}
		assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
	}

}
