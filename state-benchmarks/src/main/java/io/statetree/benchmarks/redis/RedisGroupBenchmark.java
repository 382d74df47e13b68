package io.statetree.benchmarks.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.StateController;
import io.statetree.core.StateListener;
import io.statetree.core.SubscribeOptions;
import io.statetree.redis.RedisBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Events handled per millisecond on Redis, from the write to the listener's return: a group
 * listener with one member ({@code group1}) and with one member on each of three instances
 * ({@code group3}, the writer being one of them), against an ordinary listener on the writing
 * instance ({@code ordinary}), in the same run. Each invocation writes 100 commits (20 keys round
 * robin) and waits until their 100 events are handled.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisGroupBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class RedisGroupBenchmark {

	private static final int EVENTS = 100;

	/** Who handles the events. */
	@Param({ "ordinary", "group1", "group3" })
	public String listener;

	private LoopbackRedis redis;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<StateController> controllers = new ArrayList<>();

	private final AtomicLong handled = new AtomicLong();

	private long written;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		int instances = this.listener.equals("group3") ? 3 : 1;
		StateListener count = (event) -> this.handled.incrementAndGet();
		for (int i = 0; i < instances; i++) {
			LettuceConnectionFactory factory = this.redis.newConnectionFactory();
			this.factories.add(factory);
			StateController c = StateController.builder()
				.backend(RedisBackend.builder(factory).namespace("groups").build())
				.instanceId("bench-" + i)
				.groupClaimTimeout(Duration.ofSeconds(3))
				.build();
			this.controllers.add(c);
			if (this.listener.equals("ordinary")) {
				c.subscribe("/items/{id}", count);
			}
			else {
				c.subscribe("/items/{id}", count, SubscribeOptions.group("bench"));
			}
		}
	}

	@TearDown
	public void tearDown() {
		this.controllers.forEach(StateController::close);
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.redis.close();
	}

	/** 100 writes on one instance, then waits until the listener has handled their 100 events. */
	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public long writeAndHandle() {
		StateController writer = this.controllers.get(0);
		for (int i = 0; i < EVENTS; i++) {
			long n = ++this.written;
			writer.set("/items/k" + (n % 20), n);
		}
		while (this.handled.get() < this.written) {
			Thread.onSpinWait();
		}
		return this.written;
	}

}
