package io.statetree.benchmarks.redis;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Write;
import io.statetree.redis.RedisBackend;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A companion to the JMH benchmarks for busy machines: each StateTree operation and its raw
 * Lettuce baseline run in alternating rounds of 200, so both see the same background load, and
 * the medians and 99th percentiles of the single-operation latencies are compared.
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.redis.RedisPairedComparison [rounds]}
 */
public final class RedisPairedComparison {

	private static final int ROUND = 200;

	private volatile int heard;

	private volatile int published;

	private int counter;

	private RedisPairedComparison() {
	}

	/**
	 * Runs the comparison and prints one line per pair.
	 * @param args optional number of rounds (default 40)
	 */
	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 40;
		new RedisPairedComparison().run(rounds);
	}

	private void run(int rounds) {
		try (LoopbackRedis redis = new LoopbackRedis()) {
			LettuceConnectionFactory writerFactory = redis.newConnectionFactory();
			LettuceConnectionFactory readerFactory = redis.newConnectionFactory();
			StateController writer = StateController.builder()
				.backend(RedisBackend.builder(writerFactory).namespace("paired").build())
				.instanceId("writer")
				.build();
			StateController reader = StateController.builder()
				.backend(RedisBackend.builder(readerFactory).namespace("paired").build())
				.instanceId("reader")
				.build();
			reader.subscribe("/ping", event -> this.heard = (Integer) event.newValue());
			RedisClient client = RedisClient.create(redis.uri());
			StatefulRedisConnection<String, String> connection = client.connect();
			RedisCommands<String, String> raw = connection.sync();
			StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
			subscriber.addListener(new RedisPubSubAdapter<>() {
				@Override
				public void message(String channel, String message) {
					RedisPairedComparison.this.published = Integer.parseInt(message);
				}
			});
			subscriber.sync().subscribe("ping");
			StateController solo = StateController.builder()
				.backend(RedisBackend.builder(writerFactory).namespace("solo").build())
				.build();
			RedisBackend plain = RedisBackend.builder(writerFactory).namespace("plain").build();
			StatePath leaf = StatePath.of("/a/b/c");
			writer.set("/a/b/c", 0);
			raw.set("raw:a:b:c", "0");
			try {
				compare("leaf set    ", rounds, () -> writer.set("/a/b/c", this.counter++),
						() -> raw.set("raw:a:b:c", Integer.toString(this.counter++)));
				// the same write without a second instance listening, and straight to the backend
				compare("leaf set, one instance", rounds, () -> solo.set("/a/b/c", this.counter++),
						() -> raw.set("raw:a:b:c", Integer.toString(this.counter++)));
				compare("backend commit, no feed", rounds,
						() -> plain.commit(new CommitRequest(List.of(Write.of(leaf, this.counter++)), List.of(), "x")),
						() -> raw.set("raw:a:b:c", Integer.toString(this.counter++)));
				compare("increment   ", rounds, () -> solo.increment(leaf, 1), () -> raw.incr("raw:counter"));
				compare("leaf get    ", rounds, () -> writer.get("/a/b/c"), () -> raw.get("raw:a:b:c"));
				compare("remote event", rounds, () -> {
					int value = ++this.counter;
					writer.set("/ping", value);
					while (this.heard != value) {
						Thread.onSpinWait();
					}
				}, () -> {
					int value = ++this.counter;
					raw.publish("ping", Integer.toString(value));
					while (this.published != value) {
						Thread.onSpinWait();
					}
				});
			}
			finally {
				writer.close();
				reader.close();
				solo.close();
				plain.close();
				subscriber.close();
				connection.close();
				client.shutdown();
				writerFactory.destroy();
				readerFactory.destroy();
			}
		}
	}

	private static void compare(String name, int rounds, Runnable stateTree, Runnable baseline) {
		for (int i = 0; i < 5 * ROUND; i++) {
			stateTree.run();
			baseline.run();
		}
		long[] a = new long[rounds * ROUND];
		long[] b = new long[rounds * ROUND];
		int n = 0;
		for (int r = 0; r < rounds; r++) {
			for (int i = 0; i < ROUND; i++) {
				long start = System.nanoTime();
				stateTree.run();
				a[n + i] = System.nanoTime() - start;
			}
			for (int i = 0; i < ROUND; i++) {
				long start = System.nanoTime();
				baseline.run();
				b[n + i] = System.nanoTime() - start;
			}
			n += ROUND;
		}
		Arrays.sort(a);
		Arrays.sort(b);
		double medianA = a[a.length / 2] / 1_000.0;
		double medianB = b[b.length / 2] / 1_000.0;
		double p99A = a[(int) (a.length * 0.99)] / 1_000.0;
		double p99B = b[(int) (b.length * 0.99)] / 1_000.0;
		System.out.printf(Locale.ROOT,
				"%-24s StateTree median %8.1f us  p99 %8.1f us | baseline median %8.1f us  p99 %8.1f us | ratio median %.2f  p99 %.2f%n",
				name, medianA, p99A, medianB, p99B, medianA / medianB, p99A / p99B);
	}

}
