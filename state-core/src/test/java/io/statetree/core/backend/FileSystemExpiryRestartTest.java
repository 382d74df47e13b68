package io.statetree.core.backend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller over a file system directory across a restart, on virtual clocks: a time to live
 * that ran out while the application was stopped is deleted right after the start by exactly one
 * expiry commit, and one that did not goes on with the time it had left.
 */
class FileSystemExpiryRestartTest {

	@TempDir
	Path temp;

	final VirtualClock clock = new VirtualClock();

	private StateController open() {
		return StateController.builder()
			.backend(FileSystemBackend.builder(this.temp.resolve("s")).fsync(false).clock(this.clock)
				.nanoClock(this.clock::nanos).build())
			.build();
	}

	@Test
	void whatFellDueWhileStoppedGoesRightAfterTheStartAndTheRestKeepsItsTimeLeft() {
		try (StateController c = open()) {
			c.set("/short", "s", WriteOptions.ttl(Duration.ofSeconds(10)));
			c.set("/long", "l", WriteOptions.ttl(Duration.ofMinutes(10)));
			c.set("/plain", "p");
		}
		this.clock.pass(Duration.ofMinutes(1));
		try (StateController c = open()) {
			assertThat(c.get("/short")).as("hidden at once").isNull();
			await().atMost(Duration.ofSeconds(30)).until(() -> c.history(0, 100).stream().anyMatch(Commit::expiry));
			List<Commit> expiries = c.history(0, 100).stream().filter(Commit::expiry).toList();
			assertThat(expiries).singleElement().satisfies(commit -> {
				assertThat(commit.changes()).singleElement().satisfies(change -> {
					assertThat(change.path()).hasToString("/short");
					assertThat(change.oldValue()).isEqualTo("s");
				});
				assertThat(commit.revision()).isEqualTo(4);
			});
			assertThat(c.timeToLive("/long")).isEqualTo(Duration.ofMinutes(9));
			assertThat(c.get("/long")).isEqualTo("l");
			assertThat(c.get("/plain")).isEqualTo("p");
			c.set("/after", 1);
		}
		try (StateController c = open()) {
			assertThat(c.history(0, 100).stream().filter(Commit::expiry)).as("once, not again").hasSize(1);
			assertThat(c.timeToLive("/long")).isEqualTo(Duration.ofMinutes(9));
		}
	}

}
