package io.statetree.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/events} over a real server: changes arrive as server-sent events with their
 * revision as id, and a client reconnecting with {@code Last-Event-ID} gets what it missed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class EventsApiTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Value("${local.server.port}")
	int port;

	@Autowired
	StateController state;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	/** Opens a stream and collects its lines until the test ends. */
	private List<String> open(String query, String lastEventId) {
		List<String> lines = new CopyOnWriteArrayList<>();
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/api/events" + query))
			.header("Accept", "text/event-stream");
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		CompletableFuture<HttpResponse<Stream<String>>> response = this.client.sendAsync(request.build(),
				HttpResponse.BodyHandlers.ofLines());
		response.thenAcceptAsync((r) -> {
			lines.add("status:" + r.statusCode());
			try (Stream<String> body = r.body()) {
				body.forEach(lines::add);
			}
			catch (RuntimeException ex) {
				// the stream closed
			}
		});
		await().atMost(WAIT).until(() -> !lines.isEmpty());
		return lines;
	}

	@Test
	void changesArriveAsServerSentEvents() {
		List<String> lines = open("?pattern=/sse-demo/**", null);
		assertThat(lines).contains("status:200");
		// the watch starts when the stream opens: write until the first event arrives
		await().atMost(WAIT).untilAsserted(() -> {
			this.state.set("/sse-demo/value", System.nanoTime());
			assertThat(lines).anyMatch((line) -> line.startsWith("data:") && line.contains("/sse-demo/value"));
		});
		long revision = this.state.revision();
		await().atMost(WAIT).untilAsserted(() -> assertThat(lines).contains("id:" + revision + ":1"));
		assertThat(lines).noneMatch((line) -> line.contains("/other"));
	}

	@Test
	void aClientReconnectingWithLastEventIdGetsWhatItMissed() {
		this.state.set("/sse-resume/a", 1);
		long seen = this.state.revision();
		this.state.set("/sse-resume/a", 2);
		this.state.set("/sse-resume/b", 3);
		List<String> lines = open("?pattern=/sse-resume/*", Long.toString(seen));
		await().atMost(WAIT).untilAsserted(() -> assertThat(lines).filteredOn((line) -> line.startsWith("data:"))
			.hasSize(2)
			.satisfiesExactly((first) -> assertThat(first).contains("\"path\":\"/sse-resume/a\"", "\"newValue\":2"),
					(second) -> assertThat(second).contains("\"path\":\"/sse-resume/b\"", "\"newValue\":3")));
		assertThat(lines).contains("id:" + (seen + 1) + ":1", "id:" + (seen + 2) + ":1");
	}

	@Test
	void apiTokensAreNeverSentNorReplayed() {
		List<String> live = open("?pattern=/users/**", null);
		this.state.set("/users/sse-token", java.util.Map.of("name", "Tess", "role", "member", "apiToken", "st-secret-sse"));
		this.state.set("/users/sse-token/apiToken", "st-secret-sse-2");
		this.state.set("/users/sse-token/name", "Tessa");
		List<String> replayed = open("?pattern=/users/**", "0");
		await().atMost(WAIT).untilAsserted(() -> assertThat(live).anyMatch((line) -> line.contains("Tessa")));
		await().atMost(WAIT).untilAsserted(() -> assertThat(replayed).anyMatch((line) -> line.contains("Tessa")));
		assertThat(live).isNotEmpty().noneMatch((line) -> line.contains("st-") || line.contains("apiToken"));
		assertThat(replayed).noneMatch((line) -> line.contains("st-") || line.contains("apiToken"));
	}

	@Test
	void anInvalidPatternIsABadRequest() {
		assertThat(open("?pattern=%2Fusers%2F%7B", null)).contains("status:400");
	}

	@Test
	void anIdAheadOfTheStoreStartsAfreshWithAResync() {
		List<String> lines = open("?pattern=/sse-ahead/**", Long.toString(this.state.revision() + 1000));
		assertThat(lines).contains("status:200");
		await().atMost(WAIT).untilAsserted(() -> assertThat(lines).contains("event:resync"));
		this.state.set("/sse-ahead/a", 1);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(lines).anyMatch((line) -> line.contains("\"path\":\"/sse-ahead/a\"")));
	}

	/**
	 * README "Asynchronous API" (break 16): a browser's {@code EventSource} sends the id of the last
	 * event it received; when the connection drops after the first event of a {@code setAll} of
	 * three paths, the reconnect must still bring the other two changes: a client has no way to know
	 * it saw only part of a commit.
	 */
	@Test
	void aClientCutOffInsideAMultiPathCommitGetsTheRestOfItAfterReconnecting() {
		this.state.set("/sse-b16/start", 0);
		long before = this.state.revision();
		this.state.setAll(Map.of("/sse-b16/a", 1, "/sse-b16/b", 2, "/sse-b16/c", 3));
		long commit = this.state.revision();
		assertThat(commit).isEqualTo(before + 1);
		// the first connection: its first event of the commit is the last thing the client received
		List<String> first = open("?pattern=/sse-b16/*", Long.toString(before));
		await().atMost(WAIT).untilAsserted(() -> assertThat(first).anyMatch((l) -> l.startsWith("data:")));
		String firstData = first.stream().filter((l) -> l.startsWith("data:")).findFirst().orElseThrow();
		String seenPath = firstData.replaceAll(".*\"path\":\"(/sse-b16/[a-c])\".*", "$1");
		// fix16: each event's id is revision:index, its place in the commit
		String firstId = first.stream().filter((l) -> l.startsWith("id:")).findFirst().orElseThrow();
		assertThat(firstId).isEqualTo("id:" + commit + ":1");
		// the connection drops here; EventSource reconnects with the id of the last event received
		List<String> resumed = open("?pattern=/sse-b16/*", firstId.substring("id:".length()));
		this.state.set("/sse-b16/after", 4);
		await().atMost(WAIT).untilAsserted(() -> assertThat(resumed).anyMatch((l) -> l.contains("/sse-b16/after")));
		List<String> missing = new java.util.ArrayList<>();
		for (String path : List.of("/sse-b16/a", "/sse-b16/b", "/sse-b16/c")) {
			if (!path.equals(seenPath) && resumed.stream().noneMatch((l) -> l.contains("\"path\":\"" + path + "\""))) {
				missing.add(path);
			}
		}
		// and what it saw is not sent again
		assertThat(resumed).noneMatch((l) -> l.contains("\"path\":\"" + seenPath + "\""));
		assertThat(missing).as("changes of revision %d never received after seeing only %s", commit, seenPath)
			.isEmpty();
	}

}
