package io.statetree.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.Subscription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample, started on a random port with its default configuration (memory backend, the
 * initial state, the two accounts), driven over HTTP. The tests share one application, so each
 * uses its own user ids and compares counts with what it read first.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

	private static final String OPERATOR = "operator";

	private static final String OPERATOR_PASSWORD = "operator-secret";

	private static final String ADMIN = "admin";

	private static final String ADMIN_PASSWORD = "admin-secret";

	@Value("${local.server.port}")
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	StateController state;

	Http http;

	@BeforeEach
	void client() {
		this.http = new Http(this.port, this.json);
	}

	@Test
	void initialStateIsLoadedAndDerivedValuesComputedAtStartUp() {
		JsonNode alice = ok(this.http.get("/api/users/alice"));
		assertThat(alice.get("name").asString()).isEqualTo("Alice");
		assertThat(alice.get("role").asString()).isEqualTo("admin");
		assertThat(alice.has("apiToken")).as("the API never shows the token").isFalse();
		JsonNode bob = ok(this.http.get("/api/users/bob"));
		assertThat(names(bob.get("features"))).contains("dark-mode", "new-dashboard").doesNotContain("beta-search");
	}

	@Test
	void addingAnAdminChangesTheDerivedCountAndIsAudited() {
		int admins = ok(this.http.get("/api/stats")).get("admins").asInt();

		Http.Response created = this.http.put("/api/users/erin",
				"{\"name\":\"Erin\",\"role\":\"admin\",\"segments\":[\"beta\"],\"apiToken\":\"st-erin-secret\"}");

		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.json().get("features").isArray()).isTrue();
		assertThat(ok(this.http.get("/api/stats")).get("admins").asInt()).isEqualTo(admins + 1);
		JsonNode latest = ok(this.http.get("/api/audit")).get(0);
		assertThat(latest.get("subject").asString()).isEqualTo("/users/erin");
		assertThat(latest.get("action").asString()).isEqualTo("created");
		assertThat(latest.get("origin").asString()).isEqualTo(this.state.instanceId());
		assertThat(latest.has("apiToken")).isFalse();

		assertThat(this.http.put("/api/users/erin/role", "{\"role\":\"member\"}").status()).isEqualTo(200);
		assertThat(ok(this.http.get("/api/stats")).get("admins").asInt()).isEqualTo(admins);
		JsonNode demoted = ok(this.http.get("/api/audit")).get(0);
		assertThat(demoted.get("subject").asString()).isEqualTo("/users/erin");
		assertThat(demoted.get("action").asString()).isEqualTo("updated");

		assertThat(this.http.delete("/api/users/erin").status()).isEqualTo(204);
		assertThat(ok(this.http.get("/api/audit")).get(0).get("action").asString()).isEqualTo("deleted");
		assertThat(this.http.get("/api/users/erin").status()).isEqualTo(404);
		assertThat(this.http.delete("/api/users/erin").status()).isEqualTo(404);
	}

	@Test
	void featuresFollowBothUsersAndFlags() {
		ok(this.http.put("/api/users/frank", "{\"name\":\"Frank\",\"segments\":[]}"));
		ok(this.http.put("/api/flags/frank-trial", "{\"enabled\":false,\"segments\":[\"trial\"]}"));
		assertThat(names(ok(this.http.get("/api/users/frank")).get("features"))).doesNotContain("frank-trial");

		ok(this.http.post("/api/users/frank/segments", "{\"segment\":\"trial\"}"));
		assertThat(names(ok(this.http.get("/api/users/frank")).get("features"))).doesNotContain("frank-trial");

		JsonNode toggled = ok(this.http.post("/api/flags/frank-trial/toggle", null));
		assertThat(toggled.get("enabled").asBoolean()).isTrue();
		assertThat(names(ok(this.http.get("/api/users/frank")).get("features"))).contains("frank-trial");
		assertThat(names(ok(this.http.get("/api/stats")).get("features").get("frank"))).contains("frank-trial");

		assertThat(this.http.post("/api/flags/no-such-flag/toggle", null).status()).isEqualTo(404);
	}

	@Test
	void aBatchOfFlagChangesIsOneCommit() {
		ok(this.http.put("/api/users/grace", "{\"name\":\"Grace\",\"segments\":[\"gamma\"]}"));
		long before = this.state.revision();

		JsonNode flags = ok(this.http.patch("/api/flags",
				"{\"grace-a\":{\"enabled\":true,\"segments\":[\"gamma\"]},\"grace-b\":{\"enabled\":true}}"));

		assertThat(flags.has("grace-a")).isTrue();
		assertThat(flags.has("grace-b")).isTrue();
		// Counted in the history, not by the revision: the welcome mail of a user added by another
		// test (a group listener, on its own thread) may commit meanwhile.
		List<Commit> commits = this.state.history(before, 1_000)
			.stream()
			.filter((commit) -> commit.changes().stream().anyMatch((change) -> change.path().toString().startsWith("/flags/")))
			.toList();
		assertThat(commits).as("both flags and the derived features in one commit")
			.singleElement()
			.satisfies((commit) -> assertThat(commit.changes()).extracting((change) -> change.path().toString())
				.contains("/flags/grace-a", "/flags/grace-b")
				.anyMatch((path) -> path.startsWith("/stats/features")));
		assertThat(names(ok(this.http.get("/api/users/grace")).get("features"))).contains("grace-a", "grace-b");

		ok(this.http.patch("/api/flags", "{\"grace-a\":null,\"grace-b\":null}"));
		assertThat(names(ok(this.http.get("/api/users/grace")).get("features"))).doesNotContain("grace-a", "grace-b");
	}

	@Test
	void listenersNeverSeeADerivedValueBehindItsSources() {
		List<long[]> seen = new CopyOnWriteArrayList<>();
		Subscription subscription = this.state.subscribe("/users/*", (event) -> {
			Map<?, ?> users = event.get("/users", Map.class);
			long admins = (users == null) ? 0
					: users.values().stream().filter((user) -> "admin".equals(((Map<?, ?>) user).get("role"))).count();
			Number derived = event.get("/stats/admins", Number.class);
			seen.add(new long[] { admins, (derived != null) ? derived.longValue() : -1 });
		});
		try {
			ok(this.http.put("/api/users/heidi", "{\"name\":\"Heidi\",\"role\":\"admin\"}"));
			ok(this.http.put("/api/users/heidi/role", "{\"role\":\"member\"}"));
		}
		finally {
			subscription.close();
		}
		assertThat(seen).hasSize(2);
		assertThat(seen).allSatisfy((counts) -> assertThat(counts[1]).as("derived admin count").isEqualTo(counts[0]));
		assertThat(seen.get(0)[0]).isEqualTo(seen.get(1)[0] + 1);
	}

	@Test
	void changingARoleDropsTheUsersSession() {
		ok(this.http.put("/api/users/ivan", "{\"name\":\"Ivan\"}"));
		assertThat(this.http.post("/api/sessions/ivan", null).status()).isEqualTo(201);
		assertThat(ok(this.http.get("/api/sessions")).has("ivan")).isTrue();

		ok(this.http.put("/api/users/ivan/role", "{\"role\":\"admin\"}"));

		assertThat(ok(this.http.get("/api/sessions")).has("ivan")).isFalse();
		assertThat(this.http.post("/api/sessions/nobody", null).status()).isEqualTo(404);
		assertThat(ok(this.http.get("/api/sessions")).has("nobody")).isFalse();
	}

	@Test
	void invalidInputIsRefusedWithTheReason() {
		Http.Response noName = this.http.put("/api/users/judy", "{\"role\":\"admin\"}");
		assertThat(noName.status()).isEqualTo(400);
		assertThat(noName.json().get("detail").asString()).contains("judy").contains("name");

		Http.Response badRole = this.http.put("/api/users/judy", "{\"name\":\"Judy\",\"role\":\"boss\"}");
		assertThat(badRole.status()).isEqualTo(400);
		assertThat(badRole.json().get("detail").asString()).contains("boss");

		Http.Response badId = this.http.put("/api/flags/bad!name", "{\"enabled\":true}");
		assertThat(badId.status()).isEqualTo(400);
		assertThat(badId.json().get("detail").asString()).contains("bad!name");
		assertThat(this.http.get("/api/users/judy").status()).isEqualTo(404);
	}

	@Test
	void theConsoleIsEnabledAndAsksForASignIn() {
		assertThat(this.http.get("/statetree/").status()).isEqualTo(302);
		Http.Response api = this.http.get("/statetree/api/children?path=/");
		assertThat(api.status()).isIn(302, 401);
		assertThat(api.body()).doesNotContain("alice");
		Http.Response login = this.http.get("/login");
		assertThat(login.status()).isEqualTo(200);
		assertThat(login.body()).contains("username").contains("password");
	}

	@Test
	void theActuatorNeedsCredentials() {
		Http.Response anonymous = this.http.get("/actuator/statetree");
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(this.http.get("/actuator/statetree/users/alice").status()).isEqualTo(401);
		assertThat(this.http.as(OPERATOR, "wrong").get("/actuator/statetree").status()).isEqualTo(401);
		assertThat(this.http.post("/actuator/statetree/users/carol/role", "{\"value\":\"\\\"admin\\\"\"}").status())
			.isEqualTo(401);
		assertThat(this.http.get("/actuator/statetreechanges").status()).isEqualTo(401);
		assertThat(ok(this.http.get("/api/users/carol")).get("role").asString()).isEqualTo("member");
		assertThat(this.http.get("/actuator/health").status()).as("the health summary is public").isEqualTo(200);
	}

	@Test
	void theOperatorReadsTheTreeWithSecretsMasked() {
		Http operator = this.http.as(OPERATOR, OPERATOR_PASSWORD);

		JsonNode overview = ok(operator.get("/actuator/statetree"));
		assertThat(overview.get("instanceId").asString()).isEqualTo(this.state.instanceId());
		assertThat(names(overview.get("children"))).contains("users", "flags", "stats").doesNotContain("sessions");

		JsonNode alice = ok(operator.get("/actuator/statetree/users/alice")).get("value");
		assertThat(alice.get("name").asString()).isEqualTo("Alice");
		assertThat(alice.get("apiToken").asString()).isEqualTo("******");

		JsonNode users = ok(operator.get("/actuator/statetree/users")).get("value");
		assertThat(users.get("bob").get("apiToken").asString()).isEqualTo("******");
		assertThat(users.toString()).doesNotContain("st-alice-3f9c1a7e52", "st-bob-8b0d44e1c9");

		Http admin = this.http.as(ADMIN, ADMIN_PASSWORD);
		assertThat(ok(admin.get("/actuator/statetree/users/alice")).get("value").get("apiToken").asString())
			.as("masked for writers too").isEqualTo("******");
	}

	@Test
	void theSessionsAreForWritersOnly() {
		ok(this.http.put("/api/users/lena", "{\"name\":\"Lena\"}"));
		assertThat(this.http.post("/api/sessions/lena", null).status()).isEqualTo(201);

		assertThat(this.http.as(OPERATOR, OPERATOR_PASSWORD).get("/actuator/statetree/sessions").status())
			.isEqualTo(403);
		JsonNode sessions = ok(this.http.as(ADMIN, ADMIN_PASSWORD).get("/actuator/statetree/sessions"));
		assertThat(sessions.get("value").has("lena")).isTrue();
	}

	@Test
	void theOperatorMayNotWriteButTheAdminMay() {
		Http operator = this.http.as(OPERATOR, OPERATOR_PASSWORD);
		Http.Response refused = operator.post("/actuator/statetree/users/carol/role", "{\"value\":\"\\\"admin\\\"\"}");
		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(ok(this.http.get("/api/users/carol")).get("role").asString()).isEqualTo("member");
		assertThat(operator.delete("/actuator/statetree/users/carol").status()).isEqualTo(403);
		assertThat(this.http.get("/api/users/carol").status()).isEqualTo(200);

		int admins = ok(this.http.get("/api/stats")).get("admins").asInt();
		ok(this.http.put("/api/users/kim", "{\"name\":\"Kim\"}"));
		Http admin = this.http.as(ADMIN, ADMIN_PASSWORD);
		Http.Response written = admin.post("/actuator/statetree/users/kim/role", "{\"value\":\"\\\"admin\\\"\"}");
		assertThat(written.status()).as(written.toString()).isEqualTo(200);
		assertThat(ok(this.http.get("/api/users/kim")).get("role").asString()).isEqualTo("admin");
		assertThat(ok(this.http.get("/api/stats")).get("admins").asInt()).isEqualTo(admins + 1);
		assertThat(ok(this.http.get("/api/audit")).get(0).get("path").asString()).isEqualTo("/users/kim/role");

		assertThat(admin.delete("/actuator/statetree/users/kim").status()).isEqualTo(200);
		assertThat(this.http.get("/api/users/kim").status()).isEqualTo(404);
	}

	private static JsonNode ok(Http.Response response) {
		assertThat(response.status()).as(response.toString()).isBetween(200, 201);
		return response.json();
	}

	private static List<String> names(JsonNode array) {
		List<String> names = new ArrayList<>();
		array.forEach((name) -> names.add(name.asString()));
		return names;
	}

}
