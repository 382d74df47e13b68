package io.statetree.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Comparator;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.statetree.core.StateStorageException;
import io.statetree.redis.test.RedisOutage;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code statetree} health contributor over HTTP: down when the state directory can no longer
 * be written; with Redis, down within {@code statetree.health.timeout} while Redis is away (the
 * readiness group too, writes failing within about twice the command timeout) and up again after.
 */
class StateTreeHealthHttpTest {

	@Nested
	@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=health,statetree",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"statetree.backend=filesystem" })
	@DirtiesContext
	class FileSystem extends HttpTestSupport {

		static final Path DIRECTORY = createDirectory();

		@DynamicPropertySource
		static void directory(DynamicPropertyRegistry registry) {
			registry.add("statetree.filesystem.directory", DIRECTORY::toString);
		}

		@Test
		void upWhileTheDirectoryIsWritableDownOnceItIsNot() throws IOException {
			JsonNode up = get("/actuator/health", null).json().get("components").get("statetree");
			assertThat(up.get("status").asString()).isEqualTo("UP");
			assertThat(up.get("components").get("root").get("details").get("type").asString()).isEqualTo("filesystem");
			// Tests may run as root, who writes through any permission: take the directory away instead.
			deleteRecursively(DIRECTORY);
			Response response = get("/actuator/health", null);
			assertThat(response.status()).isEqualTo(503);
			JsonNode down = response.json().get("components").get("statetree");
			assertThat(down.get("status").asString()).isEqualTo("DOWN");
			assertThat(down.get("components").get("root").get("status").asString()).isEqualTo("DOWN");
			assertThat(down.get("components").get("root").get("details").get("error").asString())
				.contains(DIRECTORY.toString());
		}

	}

	@Nested
	@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=health,statetree",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"statetree.backend=redis", "statetree.health.timeout=500ms" })
	@DirtiesContext
	class Redis extends HttpTestSupport {

		/** Redis' command timeout, and the health timeout, both set above. */
		static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

		static final Duration HEALTH_TIMEOUT = Duration.ofMillis(500);

		static final RedisOutage OUTAGE = RedisOutage.in(RedisTestServer.endpoint());

		@Autowired
		MeterRegistry meters;

		@DynamicPropertySource
		static void redis(DynamicPropertyRegistry registry) {
			registry.add("spring.data.redis.host", () -> "127.0.0.1");
			registry.add("spring.data.redis.port", OUTAGE::port);
			// Commands sent while the connection is down wait this long before failing.
			registry.add("spring.data.redis.timeout", () -> COMMAND_TIMEOUT.toMillis() + "ms");
			registry.add("statetree.redis.namespace", () -> "actuator-" + ProcessHandle.current().pid());
		}

		@AfterAll
		static void stopProxy() {
			OUTAGE.close();
		}

		@Test
		void downWithinTheTimeoutWhileRedisIsAwayAndUpAgainAfter() {
			// the change feed connects in the background after start-up: until it reads the stream
			// the backend is (honestly) down, so wait for it rather than race it
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get("/actuator/health", null).json()
					.get("components").get("statetree").get("status").asString()).isEqualTo("UP"));
			JsonNode up = get("/actuator/health", null).json().get("components").get("statetree");
			assertThat(up.get("components").get("root").get("details").get("type").asString()).isEqualTo("redis");
			// the probe groups do not show their components: membership shows in the status below
			assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);
			Gauge lag = this.meters.find("statetree.feed.lag").tag("mount", "/").gauge();
			assertThat(lag).isNotNull();
			assertThat(lag.value()).isGreaterThanOrEqualTo(0);
			JsonNode overview = get("/actuator/statetree", "reader").json();
			assertThat(overview.get("feedLagMillis").get("/").asLong()).isGreaterThanOrEqualTo(0);
			this.controller.set("/health/a", 1);

			OUTAGE.stop();
			// every answer comes within the health timeout (plus slack for a loaded machine), and
			// says DOWN from the first
			for (int i = 0; i < 3; i++) {
				long start = System.nanoTime();
				Response response = get("/actuator/health", null);
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				assertThat(millis).as("health answered after").isLessThan(HEALTH_TIMEOUT.toMillis() + 1500);
				assertThat(response.status()).isEqualTo(503);
				JsonNode down = response.json().get("components").get("statetree");
				assertThat(down.get("status").asString()).isEqualTo("DOWN");
				assertThat(down.get("components").get("root").get("status").asString()).isEqualTo("DOWN");
			}
			assertThat(get("/actuator/health/readiness", null).status()).as("readiness with statetree DOWN")
				.isEqualTo(503);
			assertThat(get("/actuator/health/liveness", null).status()).as("liveness").isEqualTo(200);
			long start = System.nanoTime();
			assertThatThrownBy(() -> this.controller.set("/health/b", 2)).isInstanceOf(StateStorageException.class)
				.hasMessageContaining("127.0.0.1:" + OUTAGE.port());
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("write failed after")
				.isLessThan(2 * COMMAND_TIMEOUT.toMillis() + 1500);

			OUTAGE.start();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get("/actuator/health", null).status()).isEqualTo(200));
			assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(10))
				.ignoreExceptionsInstanceOf(StateStorageException.class)
				.untilAsserted(() -> this.controller.set("/health/c", 3));
			assertThat(this.controller.get("/health/a")).isEqualTo(1);
			assertThat(this.controller.get("/health/c")).isEqualTo(3);
		}

	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("statetree-health");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
