package io.statetree.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence: each instance's ephemeral entry at {@code /presence/{instanceId}} is listed by
 * {@code GET /api/presence} while the instance runs, and deleted by one expiry commit when it shuts
 * down, in memory (with sync and async dispatch) and on files (where the entry's file is gone and
 * the next instance lists only itself).
 */
class PresenceTest {

	@TempDir
	Path directory;

	@Test
	void theEntryLivesAsLongAsTheInstanceInMemory() {
		livesAsLongAsTheInstance("presence-sync", "--statetree.listeners.dispatch=sync");
	}

	@Test
	void theEntryLivesAsLongAsTheInstanceInMemoryWithAsyncDispatch() {
		livesAsLongAsTheInstance("presence-async", "--statetree.listeners.dispatch=async");
	}

	private void livesAsLongAsTheInstance(String id, String dispatch) {
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		ConfigurableApplicationContext context = start(null, id, dispatch);
		try {
			StateController state = context.getBean(StateController.class);
			assertThat(online(context)).containsExactly(id);
			assertThat(state.get("/presence/" + id + "/instanceId")).isEqualTo(id);
			assertThat(state.timeToLive("/presence/" + id)).as("ephemeral, not timed").isNull();
			state.subscribe("/presence/*", heard::add);
		}
		finally {
			context.close();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
		assertThat(heard).singleElement().satisfies((event) -> {
			assertThat(event.isExpiry()).isTrue();
			assertThat(event.path()).hasToString("/presence/" + id);
			assertThat(event.newValue()).isNull();
			assertThat(event.prevValue()).isInstanceOf(Map.class);
			assertThat(((Map<?, ?>) event.prevValue()).get("instanceId")).isEqualTo(id);
			assertThat(event.origin()).isEqualTo(id);
			assertThat(event.actor()).isNull();
		});
	}

	@Test
	void onFilesTheEntryIsGoneAfterShutdown() {
		try (ConfigurableApplicationContext first = start("files", "files-one")) {
			assertThat(online(first)).containsExactly("files-one");
			assertThat(presenceFiles()).as("written to the directory like any value").isNotEmpty();
		}
		assertThat(presenceFiles()).as("deleted when the instance stopped").isEmpty();

		try (ConfigurableApplicationContext second = start("files", "files-two")) {
			assertThat(online(second)).containsExactly("files-two");
			assertThat(second.getBean(StateController.class).childNames("/presence")).containsExactly("files-two");
		}
	}

	private ConfigurableApplicationContext start(@Nullable String profile, String instanceId, String... more) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(SampleApplication.class);
		if (profile != null) {
			builder.profiles(profile);
		}
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--statetree.instance-id=" + instanceId));
		if (profile != null) {
			args.addAll(List.of("--statetree.filesystem.directory=" + this.directory, "--statetree.filesystem.fsync=false"));
		}
		args.addAll(List.of(more));
		return builder.run(args.toArray(String[]::new));
	}

	/** The instance ids {@code GET /api/presence} lists, in its order. */
	static List<String> online(ConfigurableApplicationContext context) {
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		Http.Response response = new Http(port, JsonMapper.builder().build()).get("/api/presence");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		List<String> ids = new ArrayList<>();
		for (JsonNode member : response.json()) {
			assertThat(member.get("startedAt").asString()).isNotBlank();
			ids.add(member.get("instanceId").asString());
		}
		return ids;
	}

	/** The value files under {@code presence/} (a dot file there is the backend's, not a value). */
	private List<Path> presenceFiles() {
		try (Stream<Path> paths = Files.walk(this.directory)) {
			return paths.filter(Files::isRegularFile)
				.filter((path) -> this.directory.relativize(path).startsWith("presence"))
				.filter((path) -> !path.getFileName().toString().startsWith("."))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
