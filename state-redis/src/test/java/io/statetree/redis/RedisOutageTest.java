package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.redis.test.RedisOutage;
import io.statetree.redis.test.RedisTestServer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away while the application runs (issue 17 part 3): a write fails with a
 * {@link StateStorageException} naming the connection within about twice the client's command
 * timeout ({@code spring.data.redis.timeout}) instead of hanging, and writes work again once Redis
 * is back. Redis is taken away by a proxy in front of the shared test server ({@link RedisOutage}),
 * so the data written before and during the outage stays for the checks.
 */
class RedisOutageTest {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(400);

	/** Reconnects quickly once the proxy is back: the test measures StateTree, not the back-off. */
	private static final ClientResources resources = ClientResources.builder()
		.reconnectDelay(Delay.constant(Duration.ofMillis(20)))
		.build();

	private static final AtomicInteger namespaces = new AtomicInteger();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> resources.shutdown(0, 1, TimeUnit.SECONDS), "outage-test-resources"));
	}

	private static LettuceConnectionFactory factory(RedisOutage outage) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", outage.port()),
				LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).clientResources(resources).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static String namespace() {
		return "outage-" + ProcessHandle.current().pid() + "-" + namespaces.incrementAndGet();
	}

	@Test
	void aWriteDuringAnOutageFailsWithinTwiceTheCommandTimeoutAndWritesWorkAfterIt() {
		try (RedisOutage outage = RedisOutage.in(RedisTestServer.endpoint())) {
			LettuceConnectionFactory factory = factory(outage);
			try (StateController controller = StateController.builder()
				.backend(RedisBackend.builder(factory).namespace(namespace()).build())
				.build()) {
				controller.set("/a", 1);
				outage.stop();
				for (int i = 0; i < 3; i++) {
					long start = System.nanoTime();
					int value = 10 + i;
					assertThatThrownBy(() -> controller.set("/a", value)).isInstanceOf(StateStorageException.class)
						.hasMessageContaining("127.0.0.1:" + outage.port());
					long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
					// twice the command timeout, plus scheduling slack on a loaded machine
					assertThat(millis).as("write %d failed after", i).isLessThan(2 * COMMAND_TIMEOUT.toMillis() + 1000);
				}
				outage.start();
				await("writes work again").atMost(Duration.ofSeconds(20))
					.pollInterval(Duration.ofMillis(50))
					.ignoreExceptionsInstanceOf(StateStorageException.class)
					.untilAsserted(() -> controller.set("/b", 2));
				assertThat(controller.get("/b")).isEqualTo(2);
				controller.set("/a", 3);
				assertThat(controller.get("/a")).isEqualTo(3);
			}
			finally {
				factory.destroy();
			}
		}
	}

	/**
	 * One writer sets {@code /w/<i>} to {@code i} for i = 0, 1, 2, ... while Redis goes away once,
	 * after {@code beforeMillis}, for {@code outageMillis}. Afterwards every write reported done is
	 * there with its value; a write reported failed is absent, unless its failure said its outcome
	 * was unknown (its reply was lost with the connection), which happens to one write per outage at
	 * most (the writer is sequential). Every failure came within about twice the command timeout.
	 */
	@Property(tries = 10)
	void noWriteReportedDoneIsMissingAndNoWriteReportedFailedWasApplied(
			@ForAll @IntRange(min = 0, max = 300) int beforeMillis,
			@ForAll @IntRange(min = 100, max = 1500) int outageMillis) throws Exception {
		try (RedisOutage outage = RedisOutage.in(RedisTestServer.endpoint())) {
			LettuceConnectionFactory factory = factory(outage);
			try (StateController controller = StateController.builder()
				.backend(RedisBackend.builder(factory).namespace(namespace()).build())
				.build()) {
				List<Integer> done = new ArrayList<>();
				List<Integer> failed = new ArrayList<>();
				List<Integer> unknown = new ArrayList<>();
				List<Long> failureMillis = new ArrayList<>();
				long start = System.nanoTime();
				long down = start + TimeUnit.MILLISECONDS.toNanos(beforeMillis);
				long up = down + TimeUnit.MILLISECONDS.toNanos(outageMillis);
				boolean stopped = false;
				boolean restarted = false;
				int doneAfterOutage = 0;
				for (int i = 0; doneAfterOutage < 3; i++) {
					long now = System.nanoTime();
					if (!stopped && now >= down) {
						outage.stop();
						stopped = true;
					}
					if (!restarted && now >= up) {
						outage.start();
						restarted = true;
					}
					assertThat(TimeUnit.NANOSECONDS.toSeconds(now - up)).as("seconds since Redis came back").isLessThan(20);
					long callStart = System.nanoTime();
					try {
						controller.set("/w/" + i, i);
						done.add(i);
						if (restarted) {
							doneAfterOutage++;
						}
					}
					catch (StateStorageException ex) {
						failureMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - callStart));
						failed.add(i);
						if (String.valueOf(ex.getMessage()).contains("unknown")) {
							unknown.add(i);
						}
					}
				}
				for (int i : done) {
					assertThat(controller.get("/w/" + i)).as("write %d reported done", i).isEqualTo(i);
				}
				List<Integer> appliedAlthoughFailed = new ArrayList<>();
				for (int i : failed) {
					if (controller.get("/w/" + i) != null) {
						appliedAlthoughFailed.add(i);
					}
				}
				assertThat(unknown).as("failures whose outcome was unknown").containsAll(appliedAlthoughFailed);
				assertThat(appliedAlthoughFailed).as("failed writes that were applied").hasSizeLessThanOrEqualTo(1);
				assertThat(failureMillis).as("how long failed writes took")
					.allSatisfy((millis) -> assertThat(millis).isLessThan(2 * COMMAND_TIMEOUT.toMillis() + 1000));
			}
			finally {
				factory.destroy();
			}
		}
	}

}
