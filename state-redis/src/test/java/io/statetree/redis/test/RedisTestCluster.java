package io.statetree.redis.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import org.awaitility.Awaitility;
import org.opentest4j.TestAbortedException;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.embedded.RedisServer;

/**
 * A three-master Redis Cluster on loopback for tests, started with the Redis binary shipped in
 * {@code com.github.codemonstur:embedded-redis} (no Docker, no {@code redis-cli}): three servers
 * with {@code cluster-enabled yes} and their cluster config files in a temporary directory, joined
 * with {@code CLUSTER MEET}, the 16,384 slots split in three ranges with {@code CLUSTER ADDSLOTS}
 * (Redis 6.2 has no {@code ADDSLOTSRANGE}: sent in chunks), then awaited until every node reports
 * {@code cluster_state:ok} and knows every slot. Started once per JVM, stopped at JVM exit. When it
 * cannot start the test is skipped, except with {@code CI=true}, where it fails.
 */
public final class RedisTestCluster {

	/** Each master's first slot; the last ends at 16,383. */
	private static final int[] FIRST_SLOTS = { 0, 5_461, 10_923 };

	private static final int SLOTS = 16_384;

	private static final int CHUNK = 1_000;

	private static volatile List<Integer> ports;

	private static volatile RuntimeException failure;

	private RedisTestCluster() {
	}

	/**
	 * Returns the masters' ports (master {@code i} serves the {@code i}-th third of the slots),
	 * starting the cluster the first time.
	 * @return three ports on 127.0.0.1
	 * @throws TestAbortedException when the cluster cannot start and {@code CI} is not {@code true}
	 * @throws IllegalStateException when it cannot start on CI
	 */
	public static List<Integer> ports() {
		List<Integer> current = ports;
		if (current != null) {
			return current;
		}
		synchronized (RedisTestCluster.class) {
			if (ports == null && failure == null) {
				try {
					ports = start();
				}
				catch (RuntimeException ex) {
					failure = ex;
				}
			}
			if (ports != null) {
				return ports;
			}
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				throw new IllegalStateException("No Redis Cluster for tests on CI: " + failure.getMessage(), failure);
			}
			throw new TestAbortedException("No Redis Cluster for tests: " + failure.getMessage(), failure);
		}
	}

	/**
	 * Which master serves a key's slot.
	 * @param key the key (its hash tag decides)
	 * @return 0, 1 or 2
	 */
	public static int master(String key) {
		int slot = SlotHash.getSlot(key);
		return (slot >= FIRST_SLOTS[2]) ? 2 : (slot >= FIRST_SLOTS[1]) ? 1 : 0;
	}

	/**
	 * Creates a started connection factory on the cluster ({@link RedisClusterConfiguration});
	 * the caller destroys it.
	 * @return the factory
	 */
	public static LettuceConnectionFactory createConnectionFactory() {
		List<String> nodes = new ArrayList<>();
		for (int port : ports()) {
			nodes.add("127.0.0.1:" + port);
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisClusterConfiguration(nodes));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static List<Integer> start() {
		Path dir;
		try {
			dir = Files.createTempDirectory("statetree-cluster");
		}
		catch (IOException ex) {
			throw new IllegalStateException("No temporary directory for the cluster: " + ex.getMessage(), ex);
		}
		List<Integer> started = new ArrayList<>();
		List<RedisServer> servers = new ArrayList<>();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(servers), "redis-test-cluster-stop"));
		for (int i = 0; i < FIRST_SLOTS.length; i++) {
			int port = freeClusterPort(started);
			try {
				RedisServer server = RedisServer.newRedisServer()
					.bind("127.0.0.1")
					.port(port)
					.setting("save \"\"")
					.setting("appendonly no")
					.setting("cluster-enabled yes")
					.setting("cluster-config-file " + dir.resolve("nodes-" + port + ".conf"))
					.setting("cluster-node-timeout 5000")
					.setting("dir " + dir)
					.build();
				server.start();
				synchronized (servers) {
					servers.add(server);
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot start cluster node on port " + port + ": " + ex.getMessage(),
						ex);
			}
			started.add(port);
		}
		form(started);
		return List.copyOf(started);
	}

	/** Joins the nodes, gives each its third of the slots and waits until all agree. */
	private static void form(List<Integer> ports) {
		List<RedisClient> clients = new ArrayList<>();
		List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
		try {
			List<RedisCommands<String, String>> nodes = new ArrayList<>();
			for (int port : ports) {
				RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
				clients.add(client);
				StatefulRedisConnection<String, String> connection = client.connect();
				connections.add(connection);
				nodes.add(connection.sync());
			}
			for (int i = 1; i < ports.size(); i++) {
				nodes.get(0).clusterMeet("127.0.0.1", ports.get(i));
			}
			for (int i = 0; i < nodes.size(); i++) {
				int end = (i + 1 < FIRST_SLOTS.length) ? FIRST_SLOTS[i + 1] : SLOTS;
				for (int from = FIRST_SLOTS[i]; from < end; from += CHUNK) {
					int[] chunk = new int[Math.min(CHUNK, end - from)];
					for (int s = 0; s < chunk.length; s++) {
						chunk[s] = from + s;
					}
					nodes.get(i).clusterAddSlots(chunk);
				}
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> nodes.stream().allMatch(RedisTestCluster::ready));
		}
		finally {
			connections.forEach(StatefulRedisConnection::close);
			clients.forEach(RedisClient::shutdown);
		}
	}

	private static boolean ready(RedisCommands<String, String> node) {
		String info = node.clusterInfo();
		return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:" + SLOTS)
				&& info.contains("cluster_known_nodes:3");
	}

	/** A free port whose cluster bus port (port + 10,000) is free too. */
	private static int freeClusterPort(List<Integer> taken) {
		for (int attempt = 0; attempt < 50; attempt++) {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			catch (IOException ex) {
				continue;
			}
			if (port + 10_000 > 65_535 || taken.contains(port)) {
				continue;
			}
			try (ServerSocket bus = new ServerSocket(port + 10_000)) {
				return port;
			}
			catch (IOException ex) {
				// the bus port is taken: another
			}
		}
		throw new IllegalStateException("No free port pair for a cluster node");
	}

	private static void stop(List<RedisServer> servers) {
		synchronized (servers) {
			for (RedisServer server : servers) {
				try {
					server.stop();
				}
				catch (IOException ex) {
					// the JVM is exiting; the process dies with it
				}
			}
		}
	}

}
