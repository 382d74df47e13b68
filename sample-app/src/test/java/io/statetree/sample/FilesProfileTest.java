package io.statetree.sample;

import java.nio.file.Files;
import java.nio.file.Path;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code files} profile: users and flags on disk survive a restart, sessions (a memory mount)
 * do not.
 */
class FilesProfileTest {

	@TempDir
	Path directory;

	@Test
	void usersSurviveARestartAndSessionsDoNot() {
		try (ConfigurableApplicationContext first = start()) {
			StateController state = first.getBean(StateController.class);
			assertThat(state.get("/stats/admins")).isEqualTo(1);
			state.set("/users/dave", new User("Dave", User.ADMIN, null, "st-dave-1"));
			state.set("/sessions/dave", new StateApi.Session(java.time.Instant.EPOCH));
			assertThat(state.exists("/sessions/dave")).isTrue();
		}
		assertThat(this.directory.resolve("users.json")).isRegularFile();
		assertThat(this.directory.resolve("stats")).isDirectory();
		// the files root keeps only the mount point's marker (an empty branch, so an emptied mount
		// point reads {} as on every backend); no session is ever written to disk
		assertThat(sessionDataOnDisk()).as("sessions are never written to disk").isEmpty();

		try (ConfigurableApplicationContext second = start()) {
			StateController state = second.getBean(StateController.class);
			assertThat(state.get("/users/dave", User.class)).isEqualTo(new User("Dave", User.ADMIN, null, "st-dave-1"));
			assertThat(state.get("/stats/admins")).isEqualTo(2);
			assertThat(state.exists("/sessions/dave")).isFalse();
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("files")
			.run("--server.port=0", "--statetree.filesystem.directory=" + this.directory,
					"--statetree.filesystem.fsync=false");
	}

	/** Entries under the data directory's {@code sessions} entry that name or hold a session. */
	private java.util.List<Path> sessionDataOnDisk() {
		try (var paths = Files.walk(this.directory)) {
			return paths.filter((path) -> !path.equals(this.directory))
				.filter((path) -> this.directory.relativize(path).getName(0).toString().startsWith("sessions"))
				.filter((path) -> path.getFileName().toString().startsWith("dave") || mentionsDave(path))
				.toList();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static boolean mentionsDave(Path path) {
		try {
			return Files.isRegularFile(path) && Files.readString(path).contains("dave");
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
