package io.statetree.actuate;

import java.time.Duration;

import io.statetree.core.DeadLetter;
import io.statetree.spring.OnStateChange;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code statetreegroups} endpoint with its default (read-only) access: dead letters are
 * listed, but neither redelivered nor discarded.
 */
@SpringBootTest(classes = { ActuatorTestApplication.class, StateTreeGroupsEndpointReadOnlyHttpTest.Failing.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetreegroups",
				"management.health.redis.enabled=false", "statetree.groups.max-attempts=1" })
class StateTreeGroupsEndpointReadOnlyHttpTest extends HttpTestSupport {

	@Configuration(proxyBeanMethods = false)
	static class Failing {

		@OnStateChange(value = "/tasks/{id}", group = "tasks")
		void run() {
			throw new IllegalStateException("fails on purpose");
		}

	}

	@Test
	void deadLettersAreListedButNeitherRedeliveredNorDiscarded() {
		this.controller.set("/tasks/1", 1);
		DeadLetter letter = await().atMost(Duration.ofSeconds(10))
			.until(() -> this.controller.deadLetters("tasks"), (letters) -> !letters.isEmpty())
			.get(0);
		Response listed = get("/actuator/statetreegroups/tasks", "admin");
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		assertThat(listed.json().get("deadLetters").findValuesAsString("id")).containsExactly(letter.id());
		assertThat(post("/actuator/statetreegroups/tasks/" + letter.id(), "admin", "{}").status()).isIn(404, 405);
		assertThat(delete("/actuator/statetreegroups/tasks/" + letter.id(), "admin").status()).isIn(404, 405);
		assertThat(this.controller.deadLetters("tasks")).extracting(DeadLetter::id).containsExactly(letter.id());
	}

}
