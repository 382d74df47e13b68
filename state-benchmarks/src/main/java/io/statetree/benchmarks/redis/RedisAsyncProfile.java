package io.statetree.benchmarks.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Write;
import io.statetree.redis.RedisBackend;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Where the time of {@link RedisAsyncBenchmark}'s calls goes: runs the same batches of 64 in
 * flight for a fixed count, prints the wall time per operation of each kind, then the server's
 * own time per command from {@code INFO commandstats} ({@code usec_per_call}), so a gap between
 * StateTree and raw Lettuce can be split into Redis' script time and the client's time.
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.redis.RedisAsyncProfile}
 */
public final class RedisAsyncProfile {

	private static final int IN_FLIGHT = RedisAsyncBenchmark.IN_FLIGHT;

	private static final int BATCHES = 1_000;

	private RedisAsyncProfile() {
	}

	private static String evalsha(StatefulRedisConnection<String, String> connection) {
		for (String line : connection.sync().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:")) {
				return line;
			}
		}
		return "none";
	}

	public static void main(String[] args) {
		try (LoopbackRedis redis = new LoopbackRedis()) {
			LettuceConnectionFactory factory = redis.newConnectionFactory();
			RedisClient client = RedisClient.create(redis.uri());
			try (RedisBackend backend = RedisBackend.builder(factory).namespace("profile").build();
					StatefulRedisConnection<String, String> connection = client.connect()) {
				RedisAsyncCommands<String, String> raw = connection.async();
				StatePath[] leaves = new StatePath[IN_FLIGHT];
				for (int i = 0; i < IN_FLIGHT; i++) {
					leaves[i] = StatePath.of("/a/b/c" + i);
				}
				CompletableFuture<?>[] futures = new CompletableFuture<?>[IN_FLIGHT];
				for (int round = 0; round < 2; round++) {
					// the first round warms up; the second is measured after a stats reset
					connection.sync().configResetstat();
					long start = System.nanoTime();
					for (int b = 0; b < BATCHES; b++) {
						for (int i = 0; i < IN_FLIGHT; i++) {
							futures[i] = backend.commitAsync(new CommitRequest(List.of(Write.of(leaves[i], b)), List.of(), "p"));
						}
						CompletableFuture.allOf(futures).join();
					}
					long commits = System.nanoTime() - start;
					String commitStats = evalsha(connection);
					connection.sync().configResetstat();
					start = System.nanoTime();
					for (int b = 0; b < BATCHES; b++) {
						for (int i = 0; i < IN_FLIGHT; i++) {
							futures[i] = backend.readAsync(leaves[i]);
						}
						CompletableFuture.allOf(futures).join();
					}
					long reads = System.nanoTime() - start;
					String readStats = evalsha(connection);
					connection.sync().configResetstat();
					start = System.nanoTime();
					for (int b = 0; b < BATCHES * IN_FLIGHT / 8; b++) {
						backend.commit(new CommitRequest(List.of(Write.of(leaves[b % IN_FLIGHT], b)), List.of(), "p"));
					}
					long syncCommits = System.nanoTime() - start;
					String syncStats = evalsha(connection);
					start = System.nanoTime();
					for (int b = 0; b < BATCHES; b++) {
						for (int i = 0; i < IN_FLIGHT; i++) {
							futures[i] = raw.set("raw" + i, Integer.toString(b)).toCompletableFuture();
						}
						CompletableFuture.allOf(futures).join();
					}
					long sets = System.nanoTime() - start;
					start = System.nanoTime();
					for (int b = 0; b < BATCHES; b++) {
						for (int i = 0; i < IN_FLIGHT; i++) {
							futures[i] = raw.get("raw" + i).toCompletableFuture();
						}
						CompletableFuture.allOf(futures).join();
					}
					long gets = System.nanoTime() - start;
					if (round == 1) {
						double n = (double) BATCHES * IN_FLIGHT;
						System.out.printf("wall us/op: commitAsync %.2f, readAsync %.2f, raw SET %.2f, raw GET %.2f%n",
								commits / n / 1000, reads / n / 1000, sets / n / 1000, gets / n / 1000);
						System.out.println("server time of the commit script: " + commitStats);
						System.out.println("server time of the read script: " + readStats);
						System.out.printf("wall us/op: sync commit %.2f; its server time: %s%n",
								syncCommits / (n / 8) / 1000, syncStats);
					}
				}
			}
			finally {
				client.shutdown();
				factory.destroy();
			}
		}
	}

}
