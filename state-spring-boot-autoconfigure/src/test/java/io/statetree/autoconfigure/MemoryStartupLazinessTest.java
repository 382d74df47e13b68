package io.statetree.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.statetree.core.StateController;
import io.statetree.core.WriteOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the start-up cost (README, "Start-up cost") relies on: an application on the memory backend
 * gets no StateTree thread, no Redis wiring and no {@code JsonMapper} bean at start-up, even with
 * state-redis and Spring Data Redis on the class path (as here); threads come with the first use
 * that needs one, such as the expiry timer with the first write that has a time to live.
 */
class MemoryStartupLazinessTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, StateTreeAutoConfiguration.class));

	/** The live threads whose names StateTree gives its own ({@code statetree-...}). */
	private static Set<String> stateTreeThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("statetree-"))
			.collect(Collectors.toSet());
	}

	@Test
	void aMemoryApplicationStartsNoThreadAndNoRedisUntilATimeToLiveNeedsTheTimer() {
		Set<String> before = stateTreeThreads();
		this.runner.withPropertyValues("statetree.instance-id=lazy-start").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(StateController.class)
				.doesNotHaveBean(RedisConnectionFactory.class)
				.doesNotHaveBean(RedisFeedLifecycle.class)
				.doesNotHaveBean(tools.jackson.databind.json.JsonMapper.class);
			assertThat(stateTreeThreads()).as("StateTree threads after start-up").isSubsetOf(before);
			StateController controller = context.getBean(StateController.class);
			List<Object> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
			controller.subscribe("/a", (event) -> heard.add(event.newValue(Integer.class)));
			controller.set("/a", 1);
			assertThat(controller.get("/a", Integer.class)).isEqualTo(1);
			assertThat(heard).containsExactly(1);
			assertThat(stateTreeThreads()).as("StateTree threads after a plain write").isSubsetOf(before);
			controller.set("/session", "s", WriteOptions.ttl(Duration.ofHours(1)));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(stateTreeThreads()).contains("statetree-expiry-lazy-start"));
		});
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(stateTreeThreads()).doesNotContain("statetree-expiry-lazy-start"));
	}

}
