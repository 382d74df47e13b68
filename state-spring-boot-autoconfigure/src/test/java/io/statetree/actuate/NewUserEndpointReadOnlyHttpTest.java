package io.statetree.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** Restore without {@code unrestricted} access: refused, nothing written; the download still works. */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetree,statetreechanges",
				"management.health.redis.enabled=false" })
class NewUserEndpointReadOnlyHttpTest extends HttpTestSupport {

	@Test
	void restoreIsNotAllowedWithReadOnlyAccess() {
		String snap = JSON.writeValueAsString(Map.of("value", "{\"path\":\"/app\",\"revision\":1,\"value\":null}"));
		long before = this.controller.revision();
		assertThat(post("/actuator/statetree/app?snapshot", "admin", snap).status()).isEqualTo(405);
		assertThat(this.controller.revision()).isEqualTo(before);
		assertThat(this.controller.get("/app/beta/name")).isEqualTo("Beta");
		Response download = get("/actuator/statetree/db?snapshot", "reader");
		assertThat(download.status()).isEqualTo(200);
		assertThat(download.json().get("value").get("password").asString()).isEqualTo("******");
	}

}
