package io.statetree.benchmarks;

import java.util.concurrent.TimeUnit;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
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

/**
 * A computed value's {@code get} when it is current (DESIGN §16), against a plain {@code get} of a
 * leaf at depth 5 on the in-memory controller, side by side. The computed value reads that leaf
 * and two more; the goal is at most twice the plain read.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar ComputedBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ComputedBenchmark {

	private StateController controller;

	private Computed<Long> computed;

	/** Another instance than the one written, as a request's path would be. */
	private StatePath leaf;

	@Setup
	public void setup() {
		this.controller = StateController.create();
		this.controller.set("/a/b/c/d/e", 1);
		this.controller.set("/a/b/c/d/f", 2);
		this.controller.set("/x/y", 3);
		// other state and commits that do not concern the value
		for (int i = 0; i < 100; i++) {
			this.controller.set("/other/k" + i, i);
		}
		this.leaf = StatePath.of(new String("/a/b/c/d/e"));
		this.computed = this.controller.computed((view) -> {
			long sum = 0;
			for (String path : new String[] { "/a/b/c/d/e", "/a/b/c/d/f", "/x/y" }) {
				Number n = (Number) view.get(path);
				sum += (n != null) ? n.longValue() : 0;
			}
			return sum;
		});
		this.computed.get();
	}

	@TearDown
	public void tearDown() {
		this.computed.close();
		this.controller.close();
	}

	@Benchmark
	public Object leafGet() {
		return this.controller.get(this.leaf);
	}

	@Benchmark
	public Object computedGetClean() {
		return this.computed.get();
	}

}
