package io.statetree.actuate;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code show-values=never}: even a caller with every role sees only keys.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetree,statetreechanges",
				"management.health.redis.enabled=false", "statetree.security.show-values=never",
				"statetree.security.show-values-roles=VIEW" })
class StateTreeShowValuesNeverHttpTest extends HttpTestSupport {

	@Test
	void valuesAreNeverShown() {
		Response response = get("/actuator/statetree/app", "admin");
		assertThat(response.status()).isEqualTo(200);
		JsonNode alpha = response.json().get("value").get("alpha");
		assertThat(alpha.get("name").asString()).isEqualTo("******");
		assertThat(alpha.get("internal").get("note").asString()).isEqualTo("******");
		assertThat(response.body()).doesNotContain("Alpha", "hidden-note-123");
	}

	@Test
	void historyValuesAreNeverShown() {
		this.controller.set("/app/beta/name", "Beta 3");
		Response response = get("/actuator/statetreechanges", "admin");
		JsonNode change = response.json().get("commits").get(0).get("changes").get(0);
		assertThat(change.get("path").asString()).isEqualTo("/app/beta/name");
		assertThat(change.get("newValue").asString()).isEqualTo("******");
		assertThat(response.body()).doesNotContain("Beta 3");
	}

}
