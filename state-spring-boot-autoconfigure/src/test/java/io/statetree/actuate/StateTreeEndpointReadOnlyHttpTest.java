package io.statetree.actuate;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoints over HTTP with the default (read-only) access, {@code show-values} left at
 * {@code when-authorized} for the role {@code VIEW}, and path rules.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,statetree,statetreechanges",
				"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
				"statetree.security.show-values-roles=VIEW",
				"statetree.security.rules[0].pattern=/app/*/internal", "statetree.security.rules[0].read=ROLE_ADMIN",
				"statetree.security.rules[1].pattern=/vault/**", "statetree.security.rules[1].read=ROLE_ADMIN",
				"statetree.security.rules[1].write=ROLE_ADMIN", "logging.level.io.statetree=DEBUG" })
class StateTreeEndpointReadOnlyHttpTest extends HttpTestSupport {

	@Test
	void unauthenticatedCallsAreRejectedWith401() {
		for (String path : List.of("/actuator/statetree", "/actuator/statetree/app", "/actuator/statetreechanges")) {
			Response response = get(path, null);
			assertThat(response.status()).as(path).isEqualTo(401);
			assertThat(response.body()).doesNotContain("Alpha");
		}
	}

	@Test
	void callersWithoutTheReadRoleAreRejectedWith403() {
		for (String path : List.of("/actuator/statetree", "/actuator/statetree/app", "/actuator/statetreechanges")) {
			Response response = get(path, "nobody");
			assertThat(response.status()).as(path).isEqualTo(403);
			assertThat(response.body()).doesNotContain("Alpha");
		}
	}

	@Test
	void aReaderWithTheViewRoleSeesValuesButSensitiveOnesMasked() {
		Response response = get("/actuator/statetree/db", "viewer");
		assertThat(response.status()).isEqualTo(200);
		JsonNode body = response.json();
		assertThat(body.get("path").asString()).isEqualTo("/db");
		JsonNode value = body.get("value");
		assertThat(value.get("url").asString()).isEqualTo("jdbc:h2:mem:db");
		assertThat(value.get("password").asString()).isEqualTo("******");
		assertThat(value.get("apiKey").asString()).isEqualTo("******");
		assertThat(value.get("credentials").asString()).isEqualTo("******");
	}

	@Test
	void readingASensitivePathDirectlyIsMasked() {
		Response response = get("/actuator/statetree/db/credentials/user", "viewer");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("value").asString()).isEqualTo("******");
	}

	@Test
	void whenAuthorizedHidesValuesFromAReaderWithoutTheViewRole() {
		Response response = get("/actuator/statetree/app", "reader");
		assertThat(response.status()).isEqualTo(200);
		JsonNode value = response.json().get("value");
		assertThat(value.get("alpha").get("name").asString()).isEqualTo("******");
		assertThat(value.get("beta").get("name").asString()).isEqualTo("******");
		assertThat(response.body()).doesNotContain("Alpha", "Beta");
	}

	@Test
	void anAbsentPathIs404() {
		Response response = get("/actuator/statetree/app/nothing/here", "viewer");
		assertThat(response.status()).isEqualTo(404);
	}

	@Test
	void anInvalidPathIs400() {
		Response response = get("/actuator/statetree/app/%7Bx%7D", "viewer");
		assertThat(response.status()).isEqualTo(400);
	}

	@Test
	void aPathRuleDeniesAReadAndAllowsItToItsAuthority() {
		assertThat(get("/actuator/statetree/vault", "viewer").status()).isEqualTo(403);
		assertThat(get("/actuator/statetree/vault/code", "viewer").status()).isEqualTo(403);
		assertThat(get("/actuator/statetree/app/alpha/internal/note", "viewer").status()).isEqualTo(403);
		Response admin = get("/actuator/statetree/vault", "admin");
		assertThat(admin.status()).isEqualTo(200);
		assertThat(admin.json().get("value").get("code").asString()).isEqualTo("vault-code-555");
	}

	@Test
	void aSubtreeReadOmitsTheChildrenTheCallerMayNotRead() {
		Response response = get("/actuator/statetree/app", "viewer");
		assertThat(response.status()).isEqualTo(200);
		JsonNode alpha = response.json().get("value").get("alpha");
		assertThat(alpha.get("name").asString()).isEqualTo("Alpha");
		assertThat(alpha.has("internal")).isFalse();
		assertThat(response.body()).doesNotContain("hidden-note-123");
		JsonNode forAdmin = get("/actuator/statetree/app", "admin").json().get("value").get("alpha");
		assertThat(forAdmin.get("internal").get("note").asString()).isEqualTo("hidden-note-123");
	}

	@Test
	void theOverviewDescribesTheTreeAndListsOnlyReadableRootChildren() {
		Response response = get("/actuator/statetree", "viewer");
		assertThat(response.status()).isEqualTo(200);
		JsonNode body = response.json();
		assertThat(body.get("instanceId").asString()).isEqualTo(this.controller.instanceId());
		assertThat(body.get("revision").asLong()).isEqualTo(this.controller.revision());
		assertThat(body.get("backends").get(0).get("mountPoint").asString()).isEqualTo("/");
		assertThat(texts(body.get("children"))).contains("app", "db", "stats").doesNotContain("vault");
		assertThat(texts(body.get("listeners"), "id")).contains("app-audit", "failing");
		assertThat(texts(body.get("derivations"), "destination")).containsExactly("/stats/apps");
		assertThat(texts(body.get("derivations").get(0).get("sources"))).containsExactly("/app");
		assertThat(texts(get("/actuator/statetree", "admin").json().get("children"))).contains("vault");
	}

	@Test
	void writesAreRefusedUnderReadOnlyAccess() {
		Response post = post("/actuator/statetree/app/beta/name", "admin", "{\"value\": \"Changed\"}");
		assertThat(post.status()).isEqualTo(405);
		Response delete = delete("/actuator/statetree/app/beta", "admin");
		assertThat(delete.status()).isEqualTo(405);
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Beta");
	}

	@Test
	void theChangeHistoryListsNewestFirstMasksSecretsAndOmitsForbiddenPaths() {
		this.controller.set("/app/beta/name", "Beta 2");
		this.controller.set("/vault/code", "vault-code-556");
		this.controller.set("/db/password", "new-secret-000");
		Response response = get("/actuator/statetreechanges", "viewer");
		assertThat(response.status()).isEqualTo(200);
		JsonNode commits = response.json().get("commits");
		JsonNode newest = commits.get(0);
		assertThat(newest.get("changes").get(0).get("path").asString()).isEqualTo("/db/password");
		assertThat(newest.get("changes").get(0).get("oldValue").asString()).isEqualTo("******");
		assertThat(newest.get("changes").get(0).get("newValue").asString()).isEqualTo("******");
		assertThat(newest.get("origin").asString()).isEqualTo(this.controller.instanceId());
		assertThat(newest.get("time").asString()).isNotEmpty();
		JsonNode next = commits.get(1);
		assertThat(next.get("revision").asLong()).isLessThan(newest.get("revision").asLong());
		assertThat(next.get("changes").get(0).get("path").asString()).isEqualTo("/app/beta/name");
		assertThat(next.get("changes").get(0).get("oldValue").asString()).isEqualTo("Beta");
		assertThat(next.get("changes").get(0).get("newValue").asString()).isEqualTo("Beta 2");
		assertThat(response.body()).doesNotContain("/vault", "vault-code");
		assertThat(get("/actuator/statetreechanges", "admin").body()).contains("vault-code-556");
	}

	@Test
	void withReadOnlyAccessASnapshotDownloadsButCannotBeRestored() {
		Response download = get("/actuator/statetree/app?snapshot", "viewer");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.json().get("path").asString()).isEqualTo("/app");
		assertThat(download.body()).doesNotContain("hidden-note");
		this.controller.set("/app/beta/name", "Changed");
		Response restore = post("/actuator/statetree/app?snapshot", "admin",
				JSON.writeValueAsString(java.util.Map.of("value", download.body())));
		assertThat(restore.status()).isEqualTo(405);
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Changed");
	}

	@Test
	void healthStaysOpenAndIsUpOnMemory() {
		Response response = get("/actuator/health", null);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		JsonNode statetree = response.json().get("components").get("statetree");
		assertThat(statetree.get("status").asString()).isEqualTo("UP");
		JsonNode root = statetree.get("components").get("root");
		assertThat(root.get("status").asString()).isEqualTo("UP");
		assertThat(root.get("details").get("type").asString()).isEqualTo("memory");
		assertThat(root.get("details").get("mountPoint").asString()).isEqualTo("/");
	}

	private static List<String> texts(JsonNode array) {
		List<String> result = new ArrayList<>();
		array.forEach((node) -> result.add(node.asString()));
		return result;
	}

	private static List<String> texts(JsonNode array, String field) {
		List<String> result = new ArrayList<>();
		array.forEach((node) -> result.add(node.get(field).asString()));
		return result;
	}

}
