package io.statetree.actuate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new user's tries at the history and snapshot endpoints (issue 13), from the README only:
 * parameter bounds, masking in history entries and snapshots, restore bodies and roles.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetree,statetreechanges",
				"management.endpoint.statetree.access=unrestricted", "management.health.redis.enabled=false",
				"statetree.security.show-values=always", "statetree.security.rules[0].pattern=/app/*/internal",
				"statetree.security.rules[0].read=ROLE_ADMIN", "statetree.security.rules[0].write=ROLE_ADMIN",
				"statetree.security.rules[1].pattern=/vault/**", "statetree.security.rules[1].read=ROLE_ADMIN",
				"statetree.security.rules[1].write=ROLE_ADMIN" })
class NewUserEndpointHttpTest extends HttpTestSupport {

	private static String body(String snapshotJson) {
		return JSON.writeValueAsString(Map.of("value", snapshotJson));
	}

	@Test
	void badAfterAndLimitAre400NamingTheParameter() {
		Map<String, String> refused = Map.of("?after=-1", "'after'", "?after=99999999999999999999", "'after'",
				"?after=1.5", "'after'", "?after=abc&limit=abc", "'after'", "?limit=-5", "'limit'", "?limit=0",
				"'limit'", "?limit=10001", "'limit'", "?limit=abc", "'limit'", "?limit=99999999999", "'limit'");
		refused.forEach((query, name) -> {
			Response response = get("/actuator/statetreechanges" + query, "reader");
			assertThat(response.status()).as(query).isEqualTo(400);
			assertThat(response.json().get("message").asString()).as(query).contains("Parameter " + name);
		});
		assertThat(get("/actuator/statetreechanges?limit=10000", "reader").status()).isEqualTo(200);
		assertThat(get("/actuator/statetreechanges?limit=1", "reader").status()).isEqualTo(200);
		// an empty parameter counts as absent
		assertThat(get("/actuator/statetreechanges?after=", "reader").status()).isEqualTo(200);
		assertThat(get("/actuator/statetreechanges?limit=", "reader").status()).isEqualTo(200);
	}

	@Test
	void aPageAfterTheCurrentRevisionIsEmptyAndTellsTheCurrentRevision() {
		long now = this.controller.revision();
		JsonNode page = get("/actuator/statetreechanges?after=" + now, "reader").json();
		assertThat(page.get("commits")).isEmpty();
		assertThat(page.get("revision").asLong()).isEqualTo(now);
	}

	@Test
	void aPageAheadOfTheCurrentRevisionTellsTheCurrentRevision() {
		long now = this.controller.revision();
		JsonNode page = get("/actuator/statetreechanges?after=99999999", "reader").json();
		assertThat(page.get("commits")).isEmpty();
		assertThat(page.get("revision").asLong()).isEqualTo(now);
		assertThat(page.get("after").asLong()).isEqualTo(99999999);
		assertThat(page.get("next").asLong()).isEqualTo(now);
	}

	@Test
	void aParameterGivenTwiceIsRefusedAsSuch() {
		for (String name : List.of("limit", "after")) {
			Response response = get("/actuator/statetreechanges?" + name + "=1&" + name + "=2", "reader");
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.body()).contains("Parameter '" + name + "' must be given once")
				.doesNotContain("whole number");
		}
	}

	@Test
	void secretsAreMaskedInHistoryOldAndNewValuesAndGuardedCommitsLeftOut() {
		this.controller.set("/db/password", "new-secret-000");
		this.controller.set("/users/u1", Map.of("name", "u", "credentials", Map.of("pass", "cred-pass-321"),
				"tokens", List.of("k3y-abc-654")));
		this.controller.set("/list", List.of(Map.of("apiKey", "k3y-abc-654", "x", 1)));
		this.controller.set("/app/alpha/internal/note", "hidden-2");
		long now = this.controller.revision();
		// the HTTP helper asserts that no secret appears in any body
		Response reader = get("/actuator/statetreechanges?after=" + (now - 4), "reader");
		assertThat(reader.status()).isEqualTo(200);
		assertThat(reader.body()).doesNotContain("hidden-2").contains("/db/password").contains("******");
		JsonNode commits = reader.json().get("commits");
		assertThat(commits).hasSize(3);
		assertThat(commits.get(2).get("changes").get(0).get("newValue").asString()).isEqualTo("******");
		assertThat(commits.get(2).get("changes").get(0).get("oldValue").asString()).isEqualTo("******");
		Response admin = get("/actuator/statetreechanges?after=" + (now - 4), "admin");
		assertThat(admin.json().get("commits")).hasSize(4);
		assertThat(admin.body()).contains("hidden-2");
	}

	@Test
	void snapshotsOfMaskedSubtreesAndLeavesAreMaskedAndCannotBeRestored() {
		Response leaf = get("/actuator/statetree/db/password?snapshot", "admin");
		assertThat(leaf.json().get("value").asString()).isEqualTo("******");
		Response branch = get("/actuator/statetree/db/credentials?snapshot", "admin");
		assertThat(branch.json().get("value").asString()).isEqualTo("******");
		Response refused = post("/actuator/statetree/db/credentials?snapshot", "admin", body(branch.body()));
		assertThat(refused.status()).isEqualTo(400);
		assertThat(this.controller.get("/db/credentials/pass")).isEqualTo("cred-pass-321");
		this.controller.set("/list", List.of(Map.of("apiKey", "k3y-abc-654", "x", 1)));
		Response list = get("/actuator/statetree/list?snapshot", "admin");
		assertThat(list.json().get("value").get(0).get("apiKey").asString()).isEqualTo("******");
		assertThat(post("/actuator/statetree/list?snapshot", "admin", body(list.body())).status()).isEqualTo(400);
		assertThat(this.controller.get("/list/0/apiKey")).isEqualTo("k3y-abc-654");
	}

	@Test
	void aWriterWhoCannotSeeAGuardedChildCannotRestoreOverIt() {
		Response app = get("/actuator/statetree/app?snapshot", "writer");
		assertThat(app.body()).doesNotContain("internal");
		Response restore = post("/actuator/statetree/app?snapshot", "writer", body(app.body()));
		assertThat(restore.status()).isEqualTo(403);
		assertThat(this.controller.get("/app/alpha/internal/note")).isEqualTo("hidden-note-123");
		assertThat(get("/actuator/statetree/vault?snapshot", "reader").status()).isEqualTo(403);
		assertThat(post("/actuator/statetree/vault?snapshot", "writer",
				body("{\"path\":\"/vault\",\"revision\":1,\"value\":null}")).status()).isEqualTo(403);
		assertThat(this.controller.get("/vault/code")).isEqualTo("vault-code-555");
	}

	@Test
	void malformedRestoreBodiesAre400AndWriteNothing() {
		this.controller.set("/cfg", Map.of("a", 1));
		long before = this.controller.revision();
		List<String> bodies = List.of("not json", "{}", "[]", "", "{\"value\":5}", "{\"value\":null}",
				"{\"value\":\"\"}", body("not json"), body("[1,2]"), body("{}"),
				body("{\"path\":\"/cfg\",\"revision\":-1,\"value\":1}"),
				body("{\"path\":\"/cfg\",\"revision\":\"x\",\"value\":1}"),
				body("{\"path\":\"/cfg\",\"revision\":99999999999999999999999,\"value\":1}"),
				body("{\"path\":\"/cfg\",\"revision\":1.5,\"value\":1}"),
				body("{\"path\":\"//cfg\",\"revision\":1,\"value\":1}"), body("{\"path\":5,\"revision\":1,\"value\":1}"),
				body("{\"path\":null,\"revision\":1,\"value\":1}"),
				body("{\"path\":\"/cfg\",\"revision\":1,\"value\":{\"a\":1}} trailing"),
				body("{\"path\":\"/cfg\",\"revision\":1,\"value\":{\"a\":1,\"a\":2}}"),
				body("{\"path\":\"/cfg\",\"revision\":3,\"value\":{\"\":1}}"),
				body("{\"path\":\"/cfg\",\"revision\":3,\"value\":{\"a/b\":1}}"),
				body("{\"path\":\"/cfg\",\"revision\":3,\"value\":{\"x\":\"******\"}}"),
				body("{\"path\":\"/cfg\",\"revision\":1,\"value\":1,\"x\":2}"),
				body("{\"path\":\"/other\",\"revision\":1,\"value\":1}"));
		for (String b : bodies) {
			Response response = post("/actuator/statetree/cfg?snapshot", "writer", b);
			assertThat(response.status()).as(b).isEqualTo(400);
			assertThat(response.json().get("message").asString()).as(b).isNotBlank();
		}
		assertThat(this.controller.revision()).isEqualTo(before);
		assertThat(this.controller.get("/cfg")).isEqualTo(Map.of("a", 1));
	}

	@Test
	void aRestoredDecimalKeepsItsScaleAndTheActorIsTheCaller() {
		Response restored = post("/actuator/statetree/cfg?snapshot", "writer",
				body("{\"path\":\"/cfg\",\"revision\":3,\"value\":{\"b\":1.10,\"c\":123456789012345678901234567890}}"));
		assertThat(restored.status()).isEqualTo(200);
		assertThat(this.controller.get("/cfg/b")).isEqualTo(new BigDecimal("1.10"));
		assertThat(this.controller.get("/cfg/c")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
		JsonNode latest = get("/actuator/statetreechanges?limit=1", "reader").json().get("commits").get(0);
		assertThat(latest.get("actor").asString()).isEqualTo("writer");
	}

	@Test
	void theEndpointsSpellDecimalsWithTheirScale() {
		this.controller.set("/cfg", Map.of("b", new BigDecimal("1.10"), "d", new BigDecimal("100.00")));
		// raw bodies: a JsonNode read with default settings would turn 1.10 into the double 1.1
		for (String path : List.of("/actuator/statetree/cfg", "/actuator/statetree/cfg?snapshot",
				"/actuator/statetreechanges?limit=1")) {
			String text = get(path, "reader").body();
			assertThat(text).as(path).contains("\"b\":1.10").contains("\"d\":100.00");
		}
	}

	@Test
	void theRootCannotBeRestored() {
		for (String path : List.of("/actuator/statetree?snapshot", "/actuator/statetree/?snapshot")) {
			Response response = post(path, "admin", body("{\"path\":\"/\",\"revision\":1,\"value\":{}}"));
			assertThat(response.status()).as(path).isEqualTo(400);
		}
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Beta");
	}

	@Test
	void theRootCannotBeDownloaded() {
		Response response = get("/actuator/statetree/?snapshot", "reader");
		assertThat(response.status()).isNotEqualTo(200);
	}

	@Test
	void aCommitTouchingAGuardedPathShowsTheReaderOnlyWhatItMayRead() {
		long before = this.controller.revision();
		this.controller.batch(() -> {
			this.controller.set("/app/beta/name", "Beta 2");
			this.controller.set("/app/alpha/internal/note", "hidden-3");
		});
		this.controller.set("/app", Map.of("alpha", Map.of("name", "A", "internal", Map.of("note", "hidden-4"))));
		Response reader = get("/actuator/statetreechanges?after=" + before, "reader");
		assertThat(reader.body()).doesNotContain("hidden-3").doesNotContain("hidden-4").doesNotContain("hidden-note-123");
		JsonNode commits = reader.json().get("commits");
		assertThat(commits).hasSize(2);
		assertThat(reader.body()).contains("Beta 2");
		// the vault is guarded whole: a commit that only touches it is left out
		this.controller.set("/vault/code", "vault-code-556");
		Response after = get("/actuator/statetreechanges?after=" + (this.controller.revision() - 1), "reader");
		assertThat(after.body()).doesNotContain("vault-code");
		assertThat(after.json().get("commits")).isEmpty();
		assertThat(after.json().get("next").asLong()).isEqualTo(this.controller.revision());
	}

}
