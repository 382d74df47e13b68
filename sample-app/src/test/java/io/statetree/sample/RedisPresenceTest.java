package io.statetree.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;

import static io.statetree.sample.PresenceTest.online;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence with the {@code redis} profile: two instances on one Redis namespace list each other,
 * and when one shuts down the other sees its entry go, through one expiry commit made by the
 * instance that left.
 */
@ExtendWith(RedisTestServer.class)
class RedisPresenceTest {

	@Test
	void twoInstancesSeeEachOtherAndTheOneLeftSeesTheOtherGo(RedisTestServer server) {
		String namespace = server.newNamespace();
		try (ConfigurableApplicationContext one = start(namespace, "redis-one")) {
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			one.getBean(StateController.class).subscribe("/presence/*", heard::add);
			try (ConfigurableApplicationContext two = start(namespace, "redis-two")) {
				assertThat(online(one)).containsExactly("redis-one", "redis-two");
				assertThat(online(two)).containsExactly("redis-one", "redis-two");
				await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
				assertThat(heard).singleElement().satisfies((event) -> {
					assertThat(event.isExpiry()).isFalse();
					assertThat(event.origin()).isEqualTo("redis-two");
				});
				heard.clear();
			}
			assertThat(online(one)).containsExactly("redis-one");
			await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> heard.size() == 1);
			assertThat(heard).singleElement().satisfies((event) -> {
				assertThat(event.isExpiry()).isTrue();
				assertThat(event.path()).hasToString("/presence/redis-two");
				assertThat(event.newValue()).isNull();
				assertThat(event.origin()).as("the instance that left deleted its own entry").isEqualTo("redis-two");
			});
		}
	}

	@Test
	void anInstanceWhoseLeaseLapsedWhileAliveAnnouncesItselfAgain(RedisTestServer server) {
		String namespace = server.newNamespace();
		try (ConfigurableApplicationContext one = start(namespace, "redis-one", "--statetree.redis.lease-timeout=1s")) {
			StateController state = one.getBean(StateController.class);
			List<StateEvent> heard = new CopyOnWriteArrayList<>();
			state.subscribe("/presence/redis-one", heard::add);
			// the lease key lost while the instance lives (a pause past the lease timeout, a failover)
			try (RedisConnection connection = server.newConnectionFactory().getConnection()) {
				connection.keyCommands()
					.del(("{" + namespace + "}:lease:redis-one").getBytes(StandardCharsets.UTF_8));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> heard.stream().anyMatch(StateEvent::isExpiry));
			await().atMost(Duration.ofSeconds(10)).until(() -> online(one).contains("redis-one"));
			assertThat(heard.stream().filter(StateEvent::isExpiry).count()).isEqualTo(1);
		}
	}

	private static ConfigurableApplicationContext start(String namespace, String instanceId, String... more) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--statetree.instance-id=" + instanceId,
				"--statetree.redis.namespace=" + namespace,
				"--spring.data.redis.url=redis://" + endpoint.host() + ":" + endpoint.port()));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(SampleApplication.class).profiles("redis").run(args.toArray(String[]::new));
	}

}
