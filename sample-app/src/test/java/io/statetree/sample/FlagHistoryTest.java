package io.statetree.sample;

import io.statetree.core.StateController;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/flags/changes?after=}: the flags' history, read from the controller's, so a
 * client that read the flags at a revision catches up from it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class FlagHistoryTest {

	@Value("${local.server.port}")
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	StateController state;

	@Test
	void aClientCatchesUpWithTheFlagChangesAfterTheRevisionItRead() {
		Http http = new Http(this.port, this.json);
		long read = this.state.getVersioned("/flags").revision();
		assertThat(http.put("/api/flags/history-demo", "{\"enabled\":false,\"segments\":[]}").status()).isEqualTo(201);
		assertThat(http.put("/api/users/history-demo-user", "{\"name\":\"H\",\"role\":\"member\",\"segments\":[]}")
			.status()).isEqualTo(201);
		assertThat(http.post("/api/flags/history-demo/toggle", null).status()).isEqualTo(200);
		Http.Response response = http.get("/api/flags/changes?after=" + read);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		JsonNode changes = response.json();
		assertThat(changes.size()).isEqualTo(2);
		assertThat(changes.get(0).get("path").asString()).isEqualTo("/flags/history-demo");
		assertThat(changes.get(0).get("oldValue").isNull() || changes.get(0).path("oldValue").isMissingNode()).isTrue();
		assertThat(changes.get(1).get("oldValue").get("enabled").asBoolean()).isFalse();
		assertThat(changes.get(1).get("newValue").get("enabled").asBoolean()).isTrue();
		assertThat(changes.get(1).get("revision").asLong()).isGreaterThan(changes.get(0).get("revision").asLong());
		assertThat(response.body()).doesNotContain("history-demo-user");
	}

	@Test
	void theInitialFlagsAreTheFirstChangeAndANegativeRevisionIsRefused() {
		Http http = new Http(this.port, this.json);
		JsonNode first = http.get("/api/flags/changes?after=0").json().get(0);
		assertThat(first.get("path").asString()).isEqualTo("/flags");
		assertThat(first.get("newValue").has("dark-mode")).isTrue();
		assertThat(http.get("/api/flags/changes?after=-1").status()).isEqualTo(400);
	}

}
