package io.statetree.benchmarks.redis;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.redis.RedisBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Leaf writes and reads through a controller on {@link RedisBackend} against the same operation as
 * one raw Lettuce command ({@code SET}, {@code GET}), on one Redis on loopback started by the
 * benchmark. Single-threaded, so each figure is a round trip.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisBenchmark {

	private LoopbackRedis redis;

	private LettuceConnectionFactory factory;

	private StateController controller;

	private RedisBackend backend;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisCommands<String, String> raw;

	private final StatePath leaf = StatePath.of("/a/b/c");

	private int counter;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		this.factory = this.redis.newConnectionFactory();
		this.backend = RedisBackend.builder(this.factory).namespace("bench").build();
		this.controller = StateController.builder().backend(this.backend).build();
		this.controller.set(this.leaf, 0);
		this.client = RedisClient.create(this.redis.uri());
		this.connection = this.client.connect();
		this.raw = this.connection.sync();
		this.raw.set("raw:a:b:c", "0");
	}

	@TearDown
	public void tearDown() {
		// the server's own cost per command (usec_per_call), for the ratios against SET and GET:
		// the commit and read scripts' time inside Redis, apart from the round trip
		for (String line : this.raw.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_set:")
					|| line.startsWith("cmdstat_get:") || line.startsWith("cmdstat_eval:")) {
				System.out.println("# Redis " + line);
			}
		}
		this.controller.close();
		this.connection.close();
		this.client.shutdown();
		this.factory.destroy();
		this.redis.close();
	}

	/** A leaf {@code set} through the controller: one EVALSHA. */
	@Benchmark
	public boolean stateTreeSetLeaf() {
		return this.controller.set(this.leaf, this.counter++);
	}

	/** The baseline: one raw Lettuce {@code SET}. */
	@Benchmark
	public String rawSet() {
		return this.raw.set("raw:a:b:c", Integer.toString(this.counter++));
	}

	/** A leaf {@code get} through the controller: one EVALSHA of the read script. */
	@Benchmark
	public Object stateTreeGetLeaf() {
		return this.controller.get(this.leaf);
	}

	/** A leaf read straight from the backend (no controller). */
	@Benchmark
	public Object backendReadLeaf() {
		return this.backend.read(this.leaf);
	}

	/** The baseline: one raw Lettuce {@code GET}. */
	@Benchmark
	public String rawGet() {
		return this.raw.get("raw:a:b:c");
	}

}
