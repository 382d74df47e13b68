package io.statetree.benchmarks.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Write;
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
 * A write with a time to live against a plain write, through a controller on
 * {@link RedisBackend} (DESIGN §12), on one Redis on loopback started by the benchmark:
 * {@code plainSet} in a namespace that has never held a lifetime (the commit script's one
 * {@code EXISTS}), {@code ttlSet} rewriting a value with a 60 s time to live (the script expires
 * what is due, clears and sets the lifetime), and {@code plainSetBesideLifetimes} a plain write in
 * a namespace that holds lifetimes. Each write stores a new value, so each is a commit.
 * {@code backendPlainCommit} and {@code backendTtlCommit} make the same two commits on a
 * {@link RedisBackend} alone (no controller, no change feed): the Redis side's own share of the
 * cost. Single-threaded throughput (round trips per millisecond). The goal: {@code ttlSet} at
 * least 1 / 1.2 of {@code plainSet}.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisTtlBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisTtlBenchmark {

	private final StatePath session = StatePath.of("/sessions/s1");

	private final StatePath other = StatePath.of("/settings/theme");

	private final WriteOptions ttl = WriteOptions.ttl(Duration.ofSeconds(60));

	private LoopbackRedis redis;

	private LettuceConnectionFactory factory;

	private StateController plain;

	private StateController expiring;

	private final Lifetime ttlLifetime = Lifetime.ttl(Duration.ofSeconds(60));

	private RedisBackend backendPlain;

	private RedisBackend backendExpiring;

	private long next;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		this.factory = this.redis.newConnectionFactory();
		this.plain = StateController.builder()
			.backend(RedisBackend.builder(this.factory).namespace("bench-plain").build())
			.build();
		this.expiring = StateController.builder()
			.backend(RedisBackend.builder(this.factory).namespace("bench-ttl").build())
			.build();
		this.expiring.set(this.session, -1L, this.ttl);
		this.backendPlain = RedisBackend.builder(this.factory).namespace("bench-backend-plain").build();
		this.backendExpiring = RedisBackend.builder(this.factory).namespace("bench-backend-ttl").build();
	}

	@TearDown
	public void tearDown() {
		this.plain.close();
		this.expiring.close();
		this.backendPlain.close();
		this.backendExpiring.close();
		this.factory.destroy();
		this.redis.close();
	}

	/** A plain write where no lifetime exists. */
	@Benchmark
	public boolean plainSet() {
		return this.plain.set(this.session, this.next++);
	}

	/** A write with a time to live (restarting it each time). */
	@Benchmark
	public boolean ttlSet() {
		return this.expiring.set(this.session, this.next++, this.ttl);
	}

	/** A plain write in a namespace that holds a lifetime elsewhere. */
	@Benchmark
	public boolean plainSetBesideLifetimes() {
		return this.expiring.set(this.other, this.next++);
	}

	/** A plain commit on the backend alone, in a namespace that has never held a lifetime. */
	@Benchmark
	public CommitResult backendPlainCommit() {
		return this.backendPlain.commit(
				new CommitRequest(List.of(Write.of(this.session, this.next++)), List.of(), "bench"));
	}

	/** A commit with a time to live on the backend alone (restarting it each time). */
	@Benchmark
	public CommitResult backendTtlCommit() {
		return this.backendExpiring.commit(new CommitRequest(
				List.of(new Write(this.session, this.next++, null, this.ttlLifetime)), List.of(), "bench"));
	}

}
