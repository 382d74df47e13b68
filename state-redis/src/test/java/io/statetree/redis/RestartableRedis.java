package io.statetree.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.StateController;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * An embedded Redis of a test's own (the binary the test dependency ships), on a free loopback
 * port and without persistence, so that {@link #restart()} brings it back empty on the same port
 * (DESIGN §18). The connection factories it makes and the controllers it is given are closed with
 * it, controllers first, then factories, then the server.
 */
final class RestartableRedis implements AutoCloseable {

	private final RedisServer server;

	private final int port;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<StateController> controllers = new ArrayList<>();

	private RestartableRedis(RedisServer server, int port) {
		this.server = server;
		this.port = port;
	}

	/**
	 * Starts a server.
	 * @param settings configuration lines beyond no persistence, e.g.
	 * {@code "stream-node-max-entries 10"}
	 * @return the running server
	 * @throws IOException when it cannot start
	 */
	static RestartableRedis running(String... settings) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		RedisServerBuilder builder = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no");
		for (String setting : settings) {
			builder.setting(setting);
		}
		RedisServer server = builder.build();
		server.start();
		return new RestartableRedis(server, port);
	}

	/**
	 * A new connection factory to the server, with a two-second command timeout; closed with the
	 * server.
	 * @return the started factory
	 */
	LettuceConnectionFactory newConnectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	/**
	 * Closes a controller with the server, before its factories.
	 * @param controller the controller
	 * @return the controller
	 */
	StateController closing(StateController controller) {
		this.controllers.add(controller);
		return controller;
	}

	/**
	 * Stops the server and starts it again on the same port: it comes back empty.
	 * @throws IOException when it cannot
	 */
	void restart() throws IOException {
		stop();
		start();
	}

	/**
	 * Stops the server; {@link #start()} starts it again, empty.
	 * @throws IOException when it cannot
	 */
	void stop() throws IOException {
		this.server.stop();
	}

	/**
	 * Starts the stopped server again, empty, on the same port.
	 * @throws IOException when it cannot
	 */
	void start() throws IOException {
		this.server.start();
	}

	@Override
	public void close() throws IOException {
		try {
			this.controllers.forEach(StateController::close);
			this.factories.forEach(LettuceConnectionFactory::destroy);
		}
		finally {
			this.server.stop();
		}
	}

}
