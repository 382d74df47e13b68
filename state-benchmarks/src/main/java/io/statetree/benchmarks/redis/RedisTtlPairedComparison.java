package io.statetree.benchmarks.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Write;
import io.statetree.redis.RedisBackend;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link RedisTtlBenchmark}'s comparisons for a busy machine: a write with a time to live and a
 * plain write (through a controller, and on a {@link RedisBackend} alone), and a plain write in a
 * namespace holding lifetimes, each against a plain write in a namespace that never held one, in
 * alternating rounds of 200 so both sides see the same background load; prints the means (what
 * the benchmark's throughput reflects), medians and 90th percentiles of the single-write latencies
 * and their ratios.
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.redis.RedisTtlPairedComparison [rounds]}
 */
public final class RedisTtlPairedComparison {

	private static final int ROUND = 200;

	private static final StatePath SESSION = StatePath.of("/sessions/s1");

	private static final StatePath OTHER = StatePath.of("/settings/theme");

	private long next;

	private RedisTtlPairedComparison() {
	}

	/**
	 * Runs the comparisons and prints one line per pair.
	 * @param args optional number of rounds (default 40)
	 */
	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 40;
		new RedisTtlPairedComparison().run(rounds);
	}

	private void run(int rounds) {
		WriteOptions ttl = WriteOptions.ttl(Duration.ofSeconds(60));
		Lifetime lifetime = Lifetime.ttl(Duration.ofSeconds(60));
		try (LoopbackRedis redis = new LoopbackRedis()) {
			LettuceConnectionFactory factory = redis.newConnectionFactory();
			StateController plain = StateController.builder()
				.backend(RedisBackend.builder(factory).namespace("paired-plain").build())
				.build();
			StateController expiring = StateController.builder()
				.backend(RedisBackend.builder(factory).namespace("paired-ttl").build())
				.build();
			RedisBackend backendPlain = RedisBackend.builder(factory).namespace("paired-backend-plain").build();
			RedisBackend backendExpiring = RedisBackend.builder(factory).namespace("paired-backend-ttl").build();
			expiring.set(SESSION, -1L, ttl);
			try {
				compare("controller set with a TTL", rounds, () -> expiring.set(SESSION, this.next++, ttl),
						() -> plain.set(SESSION, this.next++));
				compare("controller set beside lifetimes", rounds, () -> expiring.set(OTHER, this.next++),
						() -> plain.set(SESSION, this.next++));
				compare("backend commit with a TTL", rounds,
						() -> backendExpiring.commit(new CommitRequest(
								List.of(new Write(SESSION, this.next++, null, lifetime)), List.of(), "paired")),
						() -> backendPlain.commit(
								new CommitRequest(List.of(Write.of(SESSION, this.next++)), List.of(), "paired")));
			}
			finally {
				plain.close();
				expiring.close();
				backendPlain.close();
				backendExpiring.close();
				factory.destroy();
			}
		}
	}

	private static void compare(String name, int rounds, Runnable measured, Runnable baseline) {
		for (int i = 0; i < 5 * ROUND; i++) {
			measured.run();
			baseline.run();
		}
		long[] a = new long[rounds * ROUND];
		long[] b = new long[rounds * ROUND];
		int n = 0;
		for (int r = 0; r < rounds; r++) {
			for (int i = 0; i < ROUND; i++) {
				long start = System.nanoTime();
				measured.run();
				a[n + i] = System.nanoTime() - start;
			}
			for (int i = 0; i < ROUND; i++) {
				long start = System.nanoTime();
				baseline.run();
				b[n + i] = System.nanoTime() - start;
			}
			n += ROUND;
		}
		double meanA = Arrays.stream(a).average().orElse(0) / 1_000.0;
		double meanB = Arrays.stream(b).average().orElse(0) / 1_000.0;
		Arrays.sort(a);
		Arrays.sort(b);
		double medianA = a[a.length / 2] / 1_000.0;
		double medianB = b[b.length / 2] / 1_000.0;
		double p90A = a[(int) (a.length * 0.9)] / 1_000.0;
		double p90B = b[(int) (b.length * 0.9)] / 1_000.0;
		System.out.printf(Locale.ROOT,
				"%-32s mean %7.1f median %7.1f p90 %7.1f us | plain mean %7.1f median %7.1f p90 %7.1f us | ratio mean %.2f median %.2f p90 %.2f%n",
				name, meanA, medianA, p90A, meanB, medianB, p90B, meanA / meanB, medianA / medianB, p90A / p90B);
	}

}
