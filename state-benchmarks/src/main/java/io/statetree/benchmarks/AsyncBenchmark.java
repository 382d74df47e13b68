package io.statetree.benchmarks;

import java.util.concurrent.TimeUnit;

import io.statetree.core.AsyncStateController;
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
 * The asynchronous API (DESIGN §15) in memory, where each call runs on the calling thread and
 * returns a completed future: {@code async().set} and {@code async().get} (joined) against the
 * synchronous {@code set} and {@code get} of the same leaves, in the same run. The ratio is the
 * cost of the future and the argument checks.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar AsyncBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AsyncBenchmark {

	private static final int LEAVES = 1_000;

	private StateController controller;

	private AsyncStateController async;

	private final String[] paths = new String[LEAVES];

	private final StatePath[] parsed = new StatePath[LEAVES];

	private int next;

	private long value;

	@Setup
	public void setup() {
		this.controller = StateController.create();
		this.async = this.controller.async();
		for (int i = 0; i < LEAVES; i++) {
			this.paths[i] = "/a/b/c/d/" + i;
			this.parsed[i] = StatePath.of(this.paths[i]);
			this.controller.set(this.parsed[i], i);
		}
	}

	@TearDown
	public void tearDown() {
		this.controller.close();
	}

	private int nextLeaf() {
		int leaf = this.next++;
		if (this.next == LEAVES) {
			this.next = 0;
		}
		return leaf;
	}

	@Benchmark
	public boolean syncSet() {
		return this.controller.set(this.paths[nextLeaf()], this.value++);
	}

	@Benchmark
	public Boolean asyncSet() {
		return this.async.set(this.paths[nextLeaf()], this.value++).join();
	}

	@Benchmark
	public Object syncGet() {
		return this.controller.get(this.paths[nextLeaf()]);
	}

	@Benchmark
	public Object asyncGet() {
		return this.async.get(this.paths[nextLeaf()]).join();
	}

}
