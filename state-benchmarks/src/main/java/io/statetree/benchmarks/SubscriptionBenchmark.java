package io.statetree.benchmarks;

import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of subscriptions that do not match a write: a leaf write with no subscription
 * against the same write with 1,000 exact and 100 wildcard unrelated subscriptions and one
 * matching listener.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar SubscriptionBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SubscriptionBenchmark {

	/**
	 * NONE: no subscription at all; MATCHING_ONLY: one matching listener; UNRELATED_1100: 1,100
	 * unrelated subscriptions plus the same matching listener.
	 */
	@Param({ "NONE", "MATCHING_ONLY", "UNRELATED_1100" })
	String subscriptions;

	private StateController controller;

	private final StatePath path = StatePath.of("/a/b/c");

	private int counter;

	private Blackhole blackhole;

	@Setup
	public void setup(Blackhole blackhole) {
		this.blackhole = blackhole;
		this.controller = StateController.create();
		if (this.subscriptions.equals("UNRELATED_1100")) {
			for (int i = 0; i < 1_000; i++) {
				this.controller.subscribe("/other/" + i + "/value", (e) -> {
				});
			}
			for (int i = 0; i < 100; i++) {
				this.controller.subscribe("/elsewhere" + i + "/*/x/**", (e) -> {
				});
			}
		}
		if (!this.subscriptions.equals("NONE")) {
			this.controller.subscribe("/a/b/c", (e) -> this.blackhole.consume(e));
		}
	}

	@TearDown
	public void tearDown() {
		this.controller.close();
	}

	@Benchmark
	public boolean setLeaf() {
		return this.controller.set(this.path, this.counter++);
	}

}
