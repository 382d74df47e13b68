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
		assertThat(directoryMentions("sessions")).as("sessions are never written to disk").isFalse();

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

	private boolean directoryMentions(String name) {
		try (var paths = Files.walk(this.directory)) {
			return paths.anyMatch((path) -> path.getFileName().toString().startsWith(name));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
