package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.backend.FileSystemBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A child JVM ({@link EphemeralCrashWorker}) writes an ephemeral entry and one with a time to live
 * on the filesystem and is killed with SIGKILL; reopening the directory deletes the ephemeral one
 * with exactly one expiry commit, recorded in the history, and keeps the other with the time it
 * has left.
 */
class FileSystemEphemeralCrashTest {

	@TempDir
	Path temp;

	@Test
	void theEphemeralEntryOfAKilledProcessIsDeletedOnceAfterReopeningAndTheTimeToLiveKept() throws Exception {
		Path directory = this.temp.resolve("state");
		runAndKill(directory);
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
			// what the killed process left: its ephemeral entry is due at once
			assertThat(backend.expiringEntries().due()).containsExactly(StatePath.of("/presence/doomed"));
		}
		try (StateController controller = StateController.builder()
			.backend(FileSystemBackend.builder(directory).fsync(false).build())
			.instanceId("survivor")
			.build()) {
			assertThat(controller.get("/presence/doomed", Object.class, null)).as("hidden at once").isNull();
			await().atMost(Duration.ofSeconds(30)).until(() -> controller.history(0, 100).stream().anyMatch(Commit::expiry));
			List<Commit> history = controller.history(0, 100);
			List<Commit> expiries = history.stream().filter(Commit::expiry).toList();
			assertThat(expiries).singleElement().satisfies(commit -> {
				assertThat(commit.changes()).singleElement().satisfies(change -> {
					assertThat(change.path()).isEqualTo(StatePath.of("/presence/doomed"));
					assertThat(change.oldValue()).isEqualTo(Map.of("since", 1));
					assertThat(change.newValue()).isNull();
				});
				assertThat(commit.revision()).isEqualTo(history.get(history.size() - 1).revision());
			});
			assertThat(history).hasSize(4);
			assertThat(controller.get("/session", String.class, null)).isEqualTo("s");
			assertThat(controller.timeToLive("/session")).isBetween(Duration.ofMinutes(55), Duration.ofHours(1));
			assertThat(controller.get("/plain", String.class, null)).isEqualTo("p");
			controller.set("/later", 1);
		}
		try (StateController controller = StateController.builder()
			.backend(FileSystemBackend.builder(directory).fsync(false).build())
			.build()) {
			assertThat(controller.history(0, 100).stream().filter(Commit::expiry)).as("expired once, not again").hasSize(1);
			assertThat(controller.timeToLive("/session")).isNotNull();
		}
	}

	private static void runAndKill(Path directory) throws Exception {
		ChildJvm child = ChildJvm.start(EphemeralCrashWorker.class, directory.toString());
		try {
			assertThat(child.awaitLines(Duration.ofSeconds(60), (lines) -> lines.contains("READY")))
				.as("the worker got ready: " + child.lines()).isTrue();
		}
		finally {
			child.kill();
		}
		assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
	}

}
