package io.statetree.actuate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.statetree.core.Commit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots, {@code ?depth=1}, the history pages and the actor over HTTP (DESIGN §11, §19), with
 * Spring Security, {@code unrestricted} access, {@code show-values=always} and a path rule.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetree,statetreechanges",
				"management.endpoint.statetree.access=unrestricted", "management.health.redis.enabled=false",
				"statetree.security.show-values=always", "statetree.security.rules[0].pattern=/app/*/internal",
				"statetree.security.rules[0].read=ROLE_ADMIN", "statetree.security.rules[0].write=ROLE_ADMIN" })
class StateTreeSnapshotAndHistoryHttpTest extends HttpTestSupport {

	@Test
	void aWriteMadeByAliceIsRecordedWithHerAsTheActor() {
		Response written = post("/actuator/statetree/app/beta/name", "alice", body("\"Beta by Alice\""));
		assertThat(written.status()).as(written.body()).isEqualTo(200);
		long revision = written.json().get("revision").asLong();
		List<Commit> commits = this.controller.history(revision - 1, 1);
		assertThat(commits).hasSize(1);
		assertThat(commits.get(0).actor()).isEqualTo("alice");
		JsonNode page = get("/actuator/statetreechanges?after=" + (revision - 1) + "&limit=1", "reader").json();
		JsonNode commit = page.get("commits").get(0);
		assertThat(commit.get("revision").asLong()).isEqualTo(revision);
		assertThat(commit.get("actor").asString()).isEqualTo("alice");
		assertThat(commit.get("changes").get(0).get("newValue").asString()).isEqualTo("Beta by Alice");
		// a write made outside any request names no actor
		this.controller.set("/app/beta/name", "Beta again");
		JsonNode latest = get("/actuator/statetreechanges?limit=1", "reader").json().get("commits").get(0);
		assertThat(latest.get("revision").asLong()).isEqualTo(this.controller.revision());
		assertThat(latest.path("actor").isMissingNode() || latest.get("actor").isNull()).isTrue();
	}

	@Test
	void theChangesEndpointPagesAndRefusesBadParameters() {
		long start = this.controller.revision();
		for (int i = 0; i < 5; i++) {
			this.controller.set("/counter", i);
		}
		JsonNode page = get("/actuator/statetreechanges?after=" + start + "&limit=2", "reader").json();
		assertThat(page.get("commits").get(0).get("revision").asLong()).isEqualTo(start + 2);
		assertThat(page.get("commits").get(1).get("revision").asLong()).isEqualTo(start + 1);
		assertThat(page.get("next").asLong()).isEqualTo(start + 2);
		for (String query : List.of("?after=-1", "?after=x", "?limit=0", "?limit=10001")) {
			Response refused = get("/actuator/statetreechanges" + query, "reader");
			assertThat(refused.status()).as(query).isEqualTo(400);
			assertThat(refused.json().get("message").asString()).contains("Parameter '");
		}
		assertThat(get("/actuator/statetreechanges?limit=10", "nobody").status()).isEqualTo(403);
	}

	@Test
	void aSnapshotDownloadsMaskedAndRestoresWithTheWriteRole() {
		this.controller.set("/config", Map.of("theme", "dark", "price", new BigDecimal("19.990000000000000001")));
		Response download = get("/actuator/statetree/config?snapshot", "reader");
		assertThat(download.status()).as(download.body()).isEqualTo(200);
		JsonNode snapshot = download.json();
		assertThat(snapshot.get("path").asString()).isEqualTo("/config");
		assertThat(snapshot.get("revision").asLong()).isEqualTo(this.controller.revision());
		assertThat(download.body()).contains("19.990000000000000001");
		this.controller.set("/config", Map.of("theme", "light"));
		String restore = body(download.body());
		Response refused = post("/actuator/statetree/config?snapshot", "reader", restore);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(post("/actuator/statetree/config?snapshot", null, restore).status()).isEqualTo(401);
		assertThat(this.controller.get("/config/theme")).isEqualTo("light");
		Response restored = post("/actuator/statetree/config?snapshot", "writer", restore);
		assertThat(restored.status()).as(restored.body()).isEqualTo(200);
		assertThat(restored.json().get("revision").asLong()).isEqualTo(this.controller.revision());
		assertThat(this.controller.get("/config/theme")).isEqualTo("dark");
		assertThat(this.controller.get("/config/price")).isEqualTo(new BigDecimal("19.990000000000000001"));
		assertThat(this.controller.history(this.controller.revision() - 1, 1).get(0).actor()).isEqualTo("writer");
		// the snapshot names /config: restoring it elsewhere is refused
		Response elsewhere = post("/actuator/statetree/app?snapshot", "writer", restore);
		assertThat(elsewhere.status()).isEqualTo(400);
		assertThat(elsewhere.json().get("message").asString()).contains("taken at /config, not at /app");
	}

	@Test
	void aSnapshotWithMaskedSecretsIsNeverRestored() {
		Response download = get("/actuator/statetree/db?snapshot", "admin");
		assertThat(download.json().get("value").get("password").asString()).isEqualTo("******");
		Response refused = post("/actuator/statetree/db?snapshot", "admin", body(download.body()));
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.json().get("message").asString()).contains("masked value at /db/");
		assertThat(this.controller.get("/db/password")).isEqualTo("s3cr3t-pw-987");
	}

	@Test
	void depthOneListsChildNamesTheCallerMayRead() {
		JsonNode names = get("/actuator/statetree/app/alpha?depth=1", "reader").json();
		assertThat(names.get("path").asString()).isEqualTo("/app/alpha");
		assertThat(names.get("children").toString()).isEqualTo("[\"name\"]");
		// the fixture's Map.of has no order of its own: compare the names as a set
		List<String> all = new java.util.ArrayList<>();
		get("/actuator/statetree/app/alpha?depth=1", "admin").json().get("children")
			.forEach((name) -> all.add(name.asString()));
		assertThat(all).containsExactlyInAnyOrder("name", "internal");
		assertThat(get("/actuator/statetree/app?depth=2", "reader").status()).isEqualTo(400);
		assertThat(get("/actuator/statetree/nothing?depth=1", "reader").status()).isEqualTo(404);
	}

	private static String body(String text) {
		return JSON.writeValueAsString(Map.of("value", text));
	}

}
