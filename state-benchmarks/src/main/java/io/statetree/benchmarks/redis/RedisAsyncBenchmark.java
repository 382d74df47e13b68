package io.statetree.benchmarks.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Write;
import io.statetree.redis.RedisBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link RedisBackend}'s asynchronous calls with {@value #IN_FLIGHT} in flight (issue 16):
 * {@code commitAsync} of a leaf and {@code readAsync} of a leaf against raw Lettuce asynchronous
 * {@code SET} / {@code GET} with as many in flight on a connection of its own (the goal: at least
 * 0.8 times their throughput), and the synchronous {@code commit} (one in flight) against the
 * asynchronous one. One thread issues each batch and waits for all of it; throughput in
 * operations per millisecond, on one Redis on loopback started by the benchmark.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisAsyncBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisAsyncBenchmark {

	static final int IN_FLIGHT = 64;

	private LoopbackRedis redis;

	private LettuceConnectionFactory factory;

	private RedisBackend backend;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisAsyncCommands<String, String> raw;

	private final StatePath[] leaves = new StatePath[IN_FLIGHT];

	private final String[] rawKeys = new String[IN_FLIGHT];

	private final CompletableFuture<?>[] futures = new CompletableFuture<?>[IN_FLIGHT];

	private int counter;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		this.factory = this.redis.newConnectionFactory();
		this.backend = RedisBackend.builder(this.factory).namespace("bench-async").build();
		this.client = RedisClient.create(this.redis.uri());
		this.connection = this.client.connect();
		this.raw = this.connection.async();
		for (int i = 0; i < IN_FLIGHT; i++) {
			this.leaves[i] = StatePath.of("/a/b/c" + i);
			this.rawKeys[i] = "raw:a:b:c" + i;
			this.backend.commit(set(this.leaves[i], 0));
			this.connection.sync().set(this.rawKeys[i], "0");
		}
	}

	@TearDown
	public void tearDown() {
		this.backend.close();
		this.connection.close();
		this.client.shutdown();
		this.factory.destroy();
		this.redis.close();
	}

	private static CommitRequest set(StatePath path, int value) {
		return new CommitRequest(List.of(Write.of(path, value)), List.of(), "bench");
	}

	/** {@value #IN_FLIGHT} leaf commits in flight: one EVALSHA each. */
	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object asyncSet() {
		for (int i = 0; i < IN_FLIGHT; i++) {
			this.futures[i] = this.backend.commitAsync(set(this.leaves[i], this.counter++));
		}
		return CompletableFuture.allOf(this.futures).join();
	}

	/** The baseline: {@value #IN_FLIGHT} raw Lettuce {@code SET}s in flight. */
	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object rawAsyncSet() {
		for (int i = 0; i < IN_FLIGHT; i++) {
			this.futures[i] = this.raw.set(this.rawKeys[i], Integer.toString(this.counter++)).toCompletableFuture();
		}
		return CompletableFuture.allOf(this.futures).join();
	}

	/** {@value #IN_FLIGHT} leaf reads in flight: one EVALSHA of the read script each. */
	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object asyncGet() {
		for (int i = 0; i < IN_FLIGHT; i++) {
			this.futures[i] = this.backend.readAsync(this.leaves[i]);
		}
		return CompletableFuture.allOf(this.futures).join();
	}

	/** The baseline: {@value #IN_FLIGHT} raw Lettuce {@code GET}s in flight. */
	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object rawAsyncGet() {
		for (int i = 0; i < IN_FLIGHT; i++) {
			this.futures[i] = this.raw.get(this.rawKeys[i]).toCompletableFuture();
		}
		return CompletableFuture.allOf(this.futures).join();
	}

	/** The synchronous commit of a leaf: one in flight, a round trip each. */
	@Benchmark
	public Object syncSet() {
		return this.backend.commit(set(this.leaves[0], this.counter++));
	}

}
