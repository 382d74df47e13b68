package io.statetree.benchmarks.redis;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
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
 * A counter increment through a controller on {@link RedisBackend} (one {@code EVALSHA} of
 * {@code increment.lua}: checks, a sum on decimal digits, the revision and the change stream
 * entry), the same straight on the backend, against one raw Lettuce {@code INCR}, on one Redis
 * on loopback started by the benchmark. Single-threaded throughput, so each figure is round trips
 * per millisecond. The goal is at least 0.8× of {@code INCR}.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisIncrementBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisIncrementBenchmark {

	private final StatePath counter = StatePath.of("/counters/hits");

	private final CommitRequest context = new CommitRequest(List.of(), List.of(), "bench");

	private LoopbackRedis redis;

	private LettuceConnectionFactory factory;

	private StateController controller;

	private RedisBackend backend;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisCommands<String, String> raw;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		this.factory = this.redis.newConnectionFactory();
		this.controller = StateController.builder()
			.backend(RedisBackend.builder(this.factory).namespace("bench-increment").build())
			.build();
		this.backend = RedisBackend.builder(this.factory).namespace("bench-backend-increment").build();
		this.client = RedisClient.create(this.redis.uri());
		this.connection = this.client.connect();
		this.raw = this.connection.sync();
		this.raw.set("raw:counters:hits", "0");
	}

	@TearDown
	public void tearDown() {
		this.controller.close();
		this.backend.close();
		this.connection.close();
		this.client.shutdown();
		this.factory.destroy();
		this.redis.close();
	}

	/** {@code increment} through the controller. */
	@Benchmark
	public long stateTreeIncrement() {
		return this.controller.increment(this.counter, 1);
	}

	/** The backend's increment alone (no controller, no events). */
	@Benchmark
	public CommitResult backendIncrement() {
		return this.backend.increment(this.counter, 1, this.context);
	}

	/** The baseline: one raw Lettuce {@code INCR}. */
	@Benchmark
	public long rawIncr() {
		return this.raw.incr("raw:counters:hits");
	}

}
