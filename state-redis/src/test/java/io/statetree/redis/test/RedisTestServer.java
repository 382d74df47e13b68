package io.statetree.redis.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.redis.testcontainers.RedisContainer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests, started once per JVM and stopped at JVM exit. Use with
 * {@code @ExtendWith(RedisTestServer.class)} and take a {@code RedisTestServer} parameter.
 * <p>
 * Where the server comes from, in order: the URL in the environment variable
 * {@code STATETREE_TEST_REDIS_URL} ({@code redis://host:port}); a Testcontainers {@code redis:7}
 * container when a Docker engine answers; the Redis binary shipped in
 * {@code com.github.codemonstur:embedded-redis}, started on a free loopback port. When none is
 * available the test is skipped, except with {@code CI=true}, where it fails.
 * <p>
 * Tests share the server: give each its own namespace ({@link #newNamespace()}). Connection
 * factories made by {@link #newConnectionFactory()} are closed after the test class.
 */
public final class RedisTestServer implements BeforeAllCallback, ParameterResolver {

	private static final AtomicInteger NAMESPACES = new AtomicInteger();

	private static volatile Endpoint endpoint;

	private static volatile RuntimeException failure;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	/**
	 * Where the server listens and what it is.
	 *
	 * @param host the host
	 * @param port the port
	 * @param kind {@code url}, {@code testcontainers} or {@code embedded}
	 */
	public record Endpoint(String host, int port, String kind) {
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		endpoint();
		context.getStore(ExtensionContext.Namespace.create(RedisTestServer.class, context.getUniqueId()))
			.put("factories", (AutoCloseable) this::closeFactories);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisTestServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return this;
	}

	/**
	 * Returns the server, starting it the first time.
	 * @return where it listens
	 * @throws TestAbortedException when no Redis is available and {@code CI} is not {@code true}
	 * @throws IllegalStateException when no Redis is available on CI
	 */
	public static Endpoint endpoint() {
		Endpoint current = endpoint;
		if (current != null) {
			return current;
		}
		synchronized (RedisTestServer.class) {
			if (endpoint == null && failure == null) {
				try {
					endpoint = start();
				}
				catch (RuntimeException ex) {
					failure = ex;
				}
			}
			if (endpoint != null) {
				return endpoint;
			}
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				throw new IllegalStateException("No Redis for tests on CI: " + failure.getMessage(), failure);
			}
			throw new TestAbortedException("No Redis for tests: " + failure.getMessage(), failure);
		}
	}

	private static Endpoint start() {
		String url = System.getenv("STATETREE_TEST_REDIS_URL");
		if (url != null && !url.isBlank()) {
			URI uri = URI.create(url.trim());
			return new Endpoint(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, "url");
		}
		if (dockerAvailable()) {
			RedisContainer container = new RedisContainer(DockerImageName.parse("redis:7"));
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "redis-test-container-stop"));
			return new Endpoint(container.getRedisHost(), container.getRedisPort(), "testcontainers");
		}
		return startEmbedded();
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static Endpoint startEmbedded() {
		IOException last = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			int port = freePort();
			try {
				RedisServer server = RedisServer.newRedisServer()
					.bind("127.0.0.1")
					.port(port)
					.setting("save \"\"")
					.setting("appendonly no")
					.build();
				server.start();
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						server.stop();
					}
					catch (IOException ex) {
						// the JVM is exiting; the process dies with it
					}
				}, "redis-test-server-stop"));
				return new Endpoint("127.0.0.1", port, "embedded");
			}
			catch (IOException ex) {
				last = ex;
			}
		}
		throw new IllegalStateException("Cannot start the embedded Redis server: " + last.getMessage(), last);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free port for Redis", ex);
		}
	}

	/**
	 * Returns a namespace no other test in this JVM uses.
	 * @return e.g. {@code t-1234-7}
	 */
	public String newNamespace() {
		return "t-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
	}

	/**
	 * Returns a started Lettuce connection factory for the server, closed after the test class.
	 * @return the factory
	 */
	public LettuceConnectionFactory newConnectionFactory() {
		LettuceConnectionFactory factory = createConnectionFactory(endpoint());
		synchronized (this.factories) {
			this.factories.add(factory);
		}
		return factory;
	}

	/**
	 * Creates a started Lettuce connection factory; the caller stops it.
	 * @param endpoint the server
	 * @return the factory
	 */
	public static LettuceConnectionFactory createConnectionFactory(Endpoint endpoint) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private void closeFactories() {
		synchronized (this.factories) {
			for (LettuceConnectionFactory factory : this.factories) {
				factory.destroy();
			}
			this.factories.clear();
		}
	}

}
