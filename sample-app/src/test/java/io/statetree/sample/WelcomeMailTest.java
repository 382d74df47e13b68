package io.statetree.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateController.GroupStatus;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The welcome mail (a durable group listener): one mail per new user at {@code /outbox/{id}},
 * none for an updated user or the users of the initial state, in memory; and with two instances
 * on one Redis, every new user's mail sent exactly once in total, by one of them.
 */
@ExtendWith(RedisTestServer.class)
class WelcomeMailTest {

	@Test
	void aNewUserGetsOneMailAndAnUpdatedUserNone() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--statetree.instance-id=mail-memory")) {
			StateController state = context.getBean(StateController.class);
			WelcomeMail mail = context.getBean(WelcomeMail.class);
			assertThat(state.exists("/outbox")).as("the initial users get no mail").isFalse();
			state.set("/users/erin", Map.of("name", "Erin"));
			await().atMost(Duration.ofSeconds(10)).until(() -> state.exists("/outbox/erin"));
			assertThat(state.get("/outbox/erin")).isEqualTo(Map.of("to", "erin", "subject", "Welcome, Erin!",
					"revision", state.get("/outbox/erin/revision"), "sentBy", "mail-memory"));
			long userRevision = ((Number) state.get("/outbox/erin/revision")).longValue();
			state.set("/users/erin/role", User.ADMIN);
			state.set("/users/frank", Map.of("name", "Frank"));
			await().atMost(Duration.ofSeconds(10)).until(() -> state.exists("/outbox/frank"));
			assertThat(((Number) state.get("/outbox/erin/revision")).longValue()).isEqualTo(userRevision);
			assertThat(mail.sent()).isEqualTo(2);
			// Replaced, deleted, then added again: only the last is a new user. One key's events are
			// handled in revision order, so the mail recorded names the last revision.
			long before = state.revision();
			state.delete("/outbox/erin");
			state.set("/users/erin", Map.of("name", "Erin E."));
			state.delete("/users/erin");
			state.set("/users/erin", Map.of("name", "Erin"));
			long added = state.history(before, 100)
				.stream()
				.filter((commit) -> commit.changes().stream().anyMatch((change) -> change.path().toString().equals("/users/erin")))
				.mapToLong(Commit::revision)
				.max()
				.orElseThrow();
			await().atMost(Duration.ofSeconds(10)).until(() -> state.exists("/outbox/erin"));
			assertThat(((Number) state.get("/outbox/erin/revision")).longValue()).isEqualTo(added);
			assertThat(mail.sent()).isEqualTo(3);
			assertThat(state.groups()).extracting(GroupStatus::group).containsExactly(WelcomeMail.GROUP);
			assertThat(state.deadLetters(WelcomeMail.GROUP)).isEmpty();
		}
	}

	@Test
	void aUserBuiltFieldByFieldGetsNoMailAsTheReadmeSays() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--statetree.instance-id=mail-fields")) {
			StateController state = context.getBean(StateController.class);
			WelcomeMail mail = context.getBean(WelcomeMail.class);
			state.set("/users/yan/name", "Yan");
			state.set("/users/yan/role", User.MEMBER);
			// then removed and written whole: that is a new user. One key's events are handled in
			// revision order, so once the mail is there the field writes were handled, and the
			// mail names the whole write's revision (the outbox keeps the first mail recorded)
			state.delete("/users/yan");
			long before = state.revision();
			state.set("/users/yan", Map.of("name", "Yan"));
			long whole = state.history(before, 100)
				.stream()
				.filter((commit) -> commit.changes().stream().anyMatch((change) -> change.path().toString().equals("/users/yan")))
				.mapToLong(Commit::revision)
				.min()
				.orElseThrow();
			await().atMost(Duration.ofSeconds(10)).until(() -> state.exists("/outbox/yan"));
			assertThat(((Number) state.get("/outbox/yan/revision")).longValue()).isEqualTo(whole);
			assertThat(mail.sent()).isEqualTo(1);
			assertThat(state.deadLetters(WelcomeMail.GROUP)).isEmpty();
		}
	}

	@Test
	void twoInstancesOnOneRedisSendEachMailOnce(RedisTestServer server) {
		String namespace = server.newNamespace();
		try (ConfigurableApplicationContext one = start(namespace, "mail-one");
				ConfigurableApplicationContext two = start(namespace, "mail-two")) {
			List<StateController> states = List.of(one.getBean(StateController.class),
					two.getBean(StateController.class));
			int users = 40;
			for (int i = 0; i < users; i++) {
				states.get(i % 2).set("/users/u" + i, Map.of("name", "User " + i));
			}
			StateController state = states.get(0);
			await().atMost(Duration.ofSeconds(30)).until(() -> state.childNames("/outbox").size() == users);
			int sent = one.getBean(WelcomeMail.class).sent() + two.getBean(WelcomeMail.class).sent();
			assertThat(sent).as("each new user's mail recorded once, by one instance").isEqualTo(users);
			assertThat(state.groups()).singleElement().satisfies((group) -> {
				assertThat(group.group()).isEqualTo(WelcomeMail.GROUP);
				assertThat(group.members()).hasSize(2);
				assertThat(group.deadLetters()).isZero();
			});
		}
	}

	private static ConfigurableApplicationContext start(String namespace, String instanceId) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		return new SpringApplicationBuilder(SampleApplication.class).profiles("redis")
			.run("--server.port=0", "--statetree.instance-id=" + instanceId, "--statetree.redis.namespace=" + namespace,
					"--spring.data.redis.url=redis://" + endpoint.host() + ":" + endpoint.port());
	}

}
