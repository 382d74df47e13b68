package io.statetree.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's configuration exactly, over HTTP: {@code pattern=/list/*}{@code /secret} with a
 * read authority and no write authority. A caller without it is neither shown the field nor
 * allowed to replace, delete or create it.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,statetree,statetreechanges",
				"management.endpoint.statetree.access=unrestricted", "management.health.redis.enabled=false",
				"statetree.security.show-values=always", "statetree.security.rules[0].pattern=/list/*/secret",
				"statetree.security.rules[0].read=ROLE_ADMIN" })
class StateTreeReadRuleHttpTest extends HttpTestSupport {

	private final List<Object> list = List.of(Map.of("name", "a", "secret", "list-secret-1"), Map.of("name", "b"));

	@BeforeEach
	void fillList() {
		this.controller.set("/list", this.list);
	}

	@Test
	void aWriterWithoutTheReadAuthorityNeitherSeesNorReplacesTheProtectedField() {
		for (String path : List.of("/actuator/statetree/list", "/actuator/statetree", "/actuator/statetreechanges")) {
			Response response = get(path, "writer");
			assertThat(response.status()).as(path).isEqualTo(200);
			assertThat(response.body()).as(path).doesNotContain("list-secret");
		}
		String guess = "[{\"name\": \"a\", \"secret\": \"list-secret-1\"}, {\"name\": \"b\"}]";
		assertThat(post("/actuator/statetree/list", "writer", value(guess)).status()).isEqualTo(403);
		assertThat(post("/actuator/statetree/list", "writer", value("[{\"name\": \"x\"}]")).status()).isEqualTo(403);
		assertThat(post("/actuator/statetree/list/0", "writer", value("{\"name\": \"x\"}")).status()).isEqualTo(403);
		assertThat(delete("/actuator/statetree/list", "writer").status()).isEqualTo(403);
		assertThat(delete("/actuator/statetree/list/0", "writer").status()).isEqualTo(403);
		assertThat(this.controller.get("/list")).isEqualTo(this.list);
		assertThat(post("/actuator/statetree/list", "admin", value("[{\"name\": \"x\"}]")).status()).isEqualTo(200);
		assertThat(post("/actuator/statetree/list", "writer", value("[{\"name\": \"y\"}]")).status()).isEqualTo(200);
		assertThat(this.controller.get("/list")).isEqualTo(List.of(Map.of("name", "y")));
	}

	private static String value(String json) {
		return JSON.writeValueAsString(Map.of("value", json));
	}

}
