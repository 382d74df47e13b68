package io.statetree.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.statetree.core.backend.FileSystemBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller on files keeps its history across a restart (DESIGN §11): {@code history} after
 * reopening returns the commits made before it, with their actor and causing revision, revisions
 * go on from the last one, and {@code watch(pattern, afterRevision)} replays commits made before
 * the restart, then the live ones, in order, on both dispatch modes.
 */
class FileSystemHistoryRestartTest {

	@TempDir
	Path temp;

	private StateController open(StateController.Dispatch dispatch) {
		return StateController.builder()
			.backend(FileSystemBackend.builder(this.temp.resolve("state")).fsync(false).build())
			.dispatch(dispatch)
			.build();
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void historyAndReplayGoOnAcrossARestart(StateController.Dispatch dispatch) {
		long caused;
		try (StateController c = open(dispatch)) {
			c.set("/users/alice", 1, WriteOptions.actor("admin"));
			c.set("/users/bob", 2);
			c.set("/other", "x");
			c.set("/users/bob", 2);
			caused = c.revision();
			assertThat(caused).isEqualTo(3);
		}
		try (StateController c = open(dispatch)) {
			assertThat(c.revision()).isEqualTo(3);
			List<Commit> history = c.history(0, 100);
			assertThat(history).extracting(Commit::revision).containsExactly(1L, 2L, 3L);
			assertThat(history.get(0).actor()).isEqualTo("admin");
			assertThat(history.get(0).changes()).containsExactly(new ChangedPath(StatePath.of("/users/alice"), null, 1));
			assertThat(history.get(1).actor()).isNull();
			AbstractHistoryBehaviourTest.Collector collector = new AbstractHistoryBehaviourTest.Collector();
			c.watch("/users/*", 0).subscribe(collector);
			c.set("/users/carol", 3);
			await().atMost(Duration.ofSeconds(30)).until(() -> collector.events.size() >= 3);
			assertThat(collector.events).extracting(StateEvent::revision).containsExactly(1L, 2L, 4L);
			assertThat(collector.events).extracting(e -> e.path().toString())
				.containsExactly("/users/alice", "/users/bob", "/users/carol");
			assertThat(collector.events.get(0).actor()).isEqualTo("admin");
			assertThat(c.history(3, 100)).extracting(Commit::revision).containsExactly(4L);
		}
	}

}
