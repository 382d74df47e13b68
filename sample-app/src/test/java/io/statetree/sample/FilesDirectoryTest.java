package io.statetree.sample;

import java.nio.file.Files;
import java.nio.file.Path;

import io.statetree.autoconfigure.StateDirectoryException;
import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code files} profile against a directory in trouble: a second instance on the same
 * directory is refused at start-up (it would lose updates), and one unparsable file (the issue's
 * {@code users.json} holding {@code {"alice": {"apiToken": stLEAK123}}}) neither stops the start
 * nor leaks its content in answers or logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class FilesDirectoryTest {

	@TempDir
	Path directory;

	@Test
	void aSecondInstanceOnTheSameDirectoryIsRefused() {
		try (ConfigurableApplicationContext first = start()) {
			assertThatThrownBy(this::start).hasRootCauseInstanceOf(io.statetree.core.internal.StateDirectoryLockedException.class)
				.satisfies((ex) -> assertThat(findDirectoryException(ex)).isNotNull()
					.satisfies((failure) -> assertThat(failure.getMessage()).contains("already in use")
						.contains("pid " + ProcessHandle.current().pid())));
			assertThat(first.getBean(StateController.class).set("/stats/probe", 1)).isTrue();
		}
	}

	@Test
	void anUnparsableFileNeitherStopsTheStartNorLeaksItsContent(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext first = start()) {
			assertThat(first.getBean(StateController.class).childNames("/users")).isNotEmpty();
		}
		Files.writeString(this.directory.resolve("users.json"), "{\"alice\": {\"apiToken\": stLEAK123}}");
		try (ConfigurableApplicationContext second = start()) {
			int port = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
			Http http = new Http(port, JsonMapper.builder().build());
			Http.Response users = http.get("/api/users");
			assertThat(users.status()).isEqualTo(500);
			assertThat(users.body()).doesNotContain("stLEAK123").doesNotContain(this.directory.toString());
			assertThat(http.get("/api/stats").status()).as("a sibling keeps answering").isEqualTo(200);
			Http.Response overview = http.as("operator", "operator-secret").get("/actuator/statetree");
			assertThat(overview.status()).as(overview.toString()).isEqualTo(200);
			assertThat(overview.body()).contains("users").doesNotContain("stLEAK123");
		}
		assertThat(output.getAll()).contains("users.json").doesNotContain("stLEAK123");
	}

	@Test
	void aHandEditedValueOfTheWrongShapeIsNotQuotedInTheAnswer(CapturedOutput output) throws Exception {
		// found by the second breaker: users.json holding {"alice": "stLEAK123"} parses, but the
		// typed read's message quoted Jackson's "from String value ('stLEAK123')" in the 400 body
		try (ConfigurableApplicationContext first = start()) {
			assertThat(first.getBean(StateController.class).childNames("/users")).isNotEmpty();
		}
		Files.writeString(this.directory.resolve("users.json"), "{\"alice\": \"stLEAK123\"}");
		try (ConfigurableApplicationContext second = start()) {
			int port = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
			Http http = new Http(port, JsonMapper.builder().build());
			for (String path : new String[] { "/api/users/alice", "/api/users" }) {
				Http.Response answer = http.get(path);
				assertThat(answer.status()).as(path).isEqualTo(400);
				assertThat(answer.body()).as(path).contains("/users/alice").doesNotContain("stLEAK123");
			}
		}
		assertThat(output.getAll()).doesNotContain("stLEAK123");
	}

	private static StateDirectoryException findDirectoryException(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof StateDirectoryException directoryException) {
				return directoryException;
			}
		}
		return null;
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("files")
			.run("--server.port=0", "--statetree.filesystem.directory=" + this.directory,
					"--statetree.filesystem.fsync=false");
	}

}
