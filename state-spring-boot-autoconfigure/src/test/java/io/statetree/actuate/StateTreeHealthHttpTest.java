package io.statetree.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import static org.awaitility.Awaitility.await;

/**
 * The {@code statetree} health contributor over HTTP: down when the state directory can no longer
 * be written, and when Redis stops answering.
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
			assertThat(up.get("details").get("backends").get("/").get("type").asString()).isEqualTo("filesystem");
			// Tests may run as root, who writes through any permission: take the directory away instead.
			deleteRecursively(DIRECTORY);
			Response response = get("/actuator/health", null);
			assertThat(response.status()).isEqualTo(503);
			JsonNode down = response.json().get("components").get("statetree");
			assertThat(down.get("status").asString()).isEqualTo("DOWN");
			assertThat(down.get("details").get("backends").get("/").get("status").asString()).isEqualTo("DOWN");
			assertThat(down.get("details").get("backends").get("/").get("error").asString())
				.contains(DIRECTORY.toString());
		}

	}

	@Nested
	@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=health,statetree",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"statetree.backend=redis" })
	@DirtiesContext
	class Redis extends HttpTestSupport {

		static final Proxy PROXY = new Proxy();

		@Autowired
		MeterRegistry meters;

		@DynamicPropertySource
		static void redis(DynamicPropertyRegistry registry) {
			RedisTestServer.Endpoint server = RedisTestServer.endpoint();
			PROXY.start(server.host(), server.port());
			registry.add("spring.data.redis.host", () -> "127.0.0.1");
			registry.add("spring.data.redis.port", PROXY::port);
			// Commands sent while the connection is down wait this long before failing.
			registry.add("spring.data.redis.timeout", () -> "1s");
			registry.add("statetree.redis.namespace", () -> "actuator-" + ProcessHandle.current().pid());
		}

		@AfterAll
		static void stopProxy() {
			PROXY.stop();
		}

		@Test
		void upWhileRedisAnswersDownOnceItStops() {
			// the change feed connects in the background after start-up: until it reads the stream
			// the backend is (honestly) down, so wait for it rather than race it
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get("/actuator/health", null).json()
					.get("components").get("statetree").get("status").asString()).isEqualTo("UP"));
			JsonNode up = get("/actuator/health", null).json().get("components").get("statetree");
			assertThat(up.get("status").asString()).isEqualTo("UP");
			assertThat(up.get("details").get("backends").get("/").get("type").asString()).isEqualTo("redis");
			Gauge lag = this.meters.find("statetree.feed.lag").tag("mount", "/").gauge();
			assertThat(lag).isNotNull();
			assertThat(lag.value()).isGreaterThanOrEqualTo(0);
			JsonNode overview = get("/actuator/statetree", "reader").json();
			assertThat(overview.get("feedLagMillis").get("/").asLong()).isGreaterThanOrEqualTo(0);

			PROXY.stop();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				Response response = get("/actuator/health", null);
				assertThat(response.status()).isEqualTo(503);
				JsonNode down = response.json().get("components").get("statetree");
				assertThat(down.get("status").asString()).isEqualTo("DOWN");
				assertThat(down.get("details").get("backends").get("/").get("status").asString()).isEqualTo("DOWN");
			});
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

	/**
	 * A TCP proxy in front of the test Redis: stopping it closes every connection and refuses new
	 * ones, which the application sees as Redis stopping (the shared test server keeps running).
	 */
	static final class Proxy {

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private volatile ServerSocket server;

		void start(String host, int port) {
			try {
				this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			Thread acceptor = new Thread(() -> accept(host, port), "redis-proxy");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		private void accept(String host, int port) {
			while (!this.server.isClosed()) {
				try {
					Socket client = this.server.accept();
					Socket upstream = new Socket(host, port);
					this.sockets.add(client);
					this.sockets.add(upstream);
					pipe(client, upstream);
					pipe(upstream, client);
				}
				catch (IOException ex) {
					// closed by stop(), or the upstream refused: the client sees its socket close
				}
			}
		}

		private void pipe(Socket from, Socket to) {
			Thread thread = new Thread(() -> {
				byte[] buffer = new byte[8192];
				try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
					int read;
					while ((read = in.read(buffer)) >= 0) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				catch (IOException ex) {
					// the other side closed
				}
				finally {
					closeQuietly(from);
					closeQuietly(to);
				}
			}, "redis-proxy-pipe");
			thread.setDaemon(true);
			thread.start();
		}

		void stop() {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				// already closed
			}
			this.sockets.forEach(Proxy::closeQuietly);
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

}
