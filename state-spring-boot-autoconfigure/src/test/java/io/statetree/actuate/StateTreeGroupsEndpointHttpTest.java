package io.statetree.actuate;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.statetree.core.DeadLetter;
import io.statetree.core.StateEvent;
import io.statetree.spring.OnStateChange;
import io.statetree.spring.PathVar;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code statetreegroups} endpoint over HTTP with {@code unrestricted} access: groups in the
 * overview and in the endpoint, dead letters listed under the caller's path rules (errors shown
 * only to callers shown values), redelivered and discarded with the write role, and the group
 * meters.
 */
@SpringBootTest(classes = { ActuatorTestApplication.class, StateTreeGroupsEndpointHttpTest.Jobs.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statetree,statetreegroups",
				"management.endpoint.statetreegroups.access=unrestricted", "management.health.redis.enabled=false",
				"statetree.security.show-values-roles=VIEW", "statetree.security.rules[0].pattern=/vault",
				"statetree.security.rules[0].read=ROLE_ADMIN", "statetree.security.rules[0].write=ROLE_ADMIN",
				"statetree.groups.max-attempts=2", "statetree.groups.initial-backoff=1ms" })
class StateTreeGroupsEndpointHttpTest extends HttpTestSupport {

	@Autowired
	Jobs jobs;

	@Autowired
	MeterRegistry meters;

	@Configuration(proxyBeanMethods = false)
	static class Jobs {

		final Set<String> refused = ConcurrentHashMap.newKeySet();

		final Set<String> done = ConcurrentHashMap.newKeySet();

		@OnStateChange(value = "/jobs/{id}", group = "jobs")
		void run(@PathVar("id") String id) {
			if (this.refused.contains(id)) {
				throw new IllegalStateException("job " + id + " refused");
			}
			this.done.add(id);
		}

		@OnStateChange(value = "/vault/{field}", group = "vault-audit")
		void audit(StateEvent event) {
			throw new IllegalStateException("the vault audit always fails");
		}

		@OnStateChange(value = "/accounts/{id}", group = "accounts")
		void account(StateEvent event) {
			// an application's message quoting the value it handled
			throw new IllegalStateException("could not use " + event.newValue());
		}

	}

	private DeadLetter deadLetter(String group, String path) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.controller.deadLetters(group)
				.stream()
				.filter((letter) -> letter.path().toString().equals(path))
				.findFirst()
				.orElse(null), (letter) -> letter != null);
	}

	private String fail(String id) {
		this.jobs.refused.add(id);
		this.controller.set("/jobs/" + id, 1);
		return deadLetter("jobs", "/jobs/" + id).id();
	}

	@Test
	void theOverviewAndTheEndpointListTheGroups() {
		fail("listed");
		JsonNode overview = get("/actuator/statetree", "reader").json();
		assertThat(overview.get("groups").findValuesAsString("group")).contains("jobs", "vault-audit");
		Response groups = get("/actuator/statetreegroups", "reader");
		assertThat(groups.status()).as(groups.body()).isEqualTo(200);
		JsonNode jobs = group(groups.json(), "jobs");
		assertThat(jobs.get("deadLetters").asInt()).isPositive();
		assertThat(jobs.get("members").size()).isEqualTo(1);
		assertThat(jobs.get("pending").asLong()).isNotNegative();
		assertThat(jobs.get("pattern").asString()).isEqualTo("/jobs/{id}");
		assertThat(group(overview, "vault-audit").get("pattern").asString()).isEqualTo("/vault/{field}");
	}

	private static JsonNode group(JsonNode answer, String name) {
		for (JsonNode group : answer.get("groups")) {
			if (group.get("group").asString().equals(name)) {
				return group;
			}
		}
		throw new AssertionError("no group " + name + " in " + answer);
	}

	@Test
	void deadLettersShowTheirErrorOnlyToCallersShownValues() {
		String id = fail("shown");
		JsonNode shown = letter(get("/actuator/statetreegroups/jobs", "viewer").json(), id);
		assertThat(shown.get("path").asString()).isEqualTo("/jobs/shown");
		assertThat(shown.get("attempts").asInt()).isEqualTo(2);
		assertThat(shown.get("revision").asLong()).isPositive();
		assertThat(shown.get("error").asString()).contains("IllegalStateException").contains("job shown refused");
		JsonNode hidden = letter(get("/actuator/statetreegroups/jobs", "reader").json(), id);
		assertThat(hidden.get("error").asString()).isEqualTo(IllegalStateException.class.getName());
	}

	@Test
	void aDeadLettersMessageIsHiddenWhenItsPathOrItsValueIsSensitive() {
		this.controller.set("/accounts/password", "hunter2-secret");
		this.controller.set("/accounts/7", java.util.Map.of("name", "Ann", "apiToken", "tok-7-secret"));
		this.controller.set("/accounts/8", java.util.Map.of("name", "Bob"));
		String sensitivePath = deadLetter("accounts", "/accounts/password").id();
		String sensitiveValue = deadLetter("accounts", "/accounts/7").id();
		String plain = deadLetter("accounts", "/accounts/8").id();
		Response answer = get("/actuator/statetreegroups/accounts", "viewer");
		assertThat(answer.body()).doesNotContain("hunter2-secret").doesNotContain("tok-7-secret");
		assertThat(letter(answer.json(), sensitivePath).get("error").asString())
			.isEqualTo(IllegalStateException.class.getName());
		assertThat(letter(answer.json(), sensitiveValue).get("error").asString())
			.isEqualTo(IllegalStateException.class.getName());
		assertThat(letter(answer.json(), plain).get("error").asString()).contains("could not use").contains("Bob");
	}

	private static JsonNode letter(JsonNode answer, String id) {
		for (JsonNode letter : answer.get("deadLetters")) {
			if (letter.get("id").asString().equals(id)) {
				return letter;
			}
		}
		throw new AssertionError("no dead letter " + id + " in " + answer);
	}

	@Test
	void aDeadLetterAtAGuardedPathIsHiddenAndCannotBeTouchedWithoutTheRulesAuthorities() {
		DeadLetter letter = deadLetter("vault-audit", "/vault/code");
		assertThat(get("/actuator/statetreegroups/vault-audit", "writer").json().get("deadLetters")).isEmpty();
		assertThat(get("/actuator/statetreegroups/vault-audit", "admin").json().get("deadLetters").findValuesAsString("id"))
			.contains(letter.id());
		assertThat(delete("/actuator/statetreegroups/vault-audit/" + letter.id(), "writer").status()).isEqualTo(404);
		assertThat(this.controller.deadLetters("vault-audit")).extracting(DeadLetter::id).contains(letter.id());
		assertThat(delete("/actuator/statetreegroups/vault-audit/" + letter.id(), "admin").status()).isEqualTo(200);
		assertThat(this.controller.deadLetters("vault-audit")).extracting(DeadLetter::id).doesNotContain(letter.id());
	}

	@Test
	void aWriterRedeliversADeadLetterAndOneMemberHandlesItAgain() {
		String id = fail("again");
		assertThat(post("/actuator/statetreegroups/jobs/" + id, "reader", "{}").status()).isEqualTo(403);
		assertThat(post("/actuator/statetreegroups/jobs/" + id, null, "{}").status()).isEqualTo(401);
		this.jobs.refused.remove("again");
		Response redelivered = post("/actuator/statetreegroups/jobs/" + id, "writer", "{}");
		assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
		assertThat(redelivered.json().get("outcome").asString()).isEqualTo("redelivered");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.jobs.done.contains("again"));
		assertThat(this.controller.deadLetters("jobs")).extracting(DeadLetter::id).doesNotContain(id);
		assertThat(post("/actuator/statetreegroups/jobs/" + id, "writer", "{}").status()).isEqualTo(404);
	}

	@Test
	void aWriterDiscardsADeadLetter() {
		String id = fail("dropped");
		assertThat(delete("/actuator/statetreegroups/jobs/" + id, "reader").status()).isEqualTo(403);
		Response discarded = delete("/actuator/statetreegroups/jobs/" + id, "writer");
		assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
		assertThat(discarded.json().get("outcome").asString()).isEqualTo("discarded");
		assertThat(this.controller.deadLetters("jobs")).extracting(DeadLetter::id).doesNotContain(id);
		assertThat(delete("/actuator/statetreegroups/jobs/" + id, "writer").status()).isEqualTo(404);
		assertThat(this.jobs.done).doesNotContain("dropped");
	}

	@Test
	void anInvalidGroupNameIs400AndAnUnknownGroupHasNoDeadLetters() {
		Response invalid = get("/actuator/statetreegroups/no*star", "reader");
		assertThat(invalid.status()).isEqualTo(400);
		assertThat(invalid.json().get("message").asString()).contains("no*star");
		assertThat(get("/actuator/statetreegroups/unknown", "reader").json().get("deadLetters")).isEmpty();
		assertThat(get("/actuator/statetreegroups", null).status()).isEqualTo(401);
		assertThat(get("/actuator/statetreegroups", "nobody").status()).isEqualTo(403);
	}

	@Test
	void theGroupMetersCountHandledRetriedAndDeadLetteredEvents() {
		this.controller.set("/jobs/counted", 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.jobs.done.contains("counted"));
		fail("counted-failure");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					this.meters.get("statetree.groups.handled").tag("group", "jobs").counter().count())
				.isPositive());
		assertThat(this.meters.get("statetree.groups.retried").tag("group", "jobs").counter().count()).isPositive();
		assertThat(this.meters.get("statetree.groups.dead.letters").tag("group", "jobs").counter().count())
			.isPositive();
		assertThat(this.meters.get("statetree.groups.claimed").tag("group", "jobs").counter().count()).isPositive();
		assertThat(this.meters.get("statetree.groups.pending").tag("group", "jobs").gauge().value()).isNotNaN();
	}

}
