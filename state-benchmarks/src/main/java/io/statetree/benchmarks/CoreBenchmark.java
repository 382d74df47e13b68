package io.statetree.benchmarks;

import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Leaf writes and reads, subtree reads: StateTree against a flat {@code ConcurrentHashMap} and
 * nested {@code HashMap}s under a read-write lock, side by side.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar CoreBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreBenchmark {

	@Param({ "STATETREE", "CONCURRENT_HASH_MAP", "RW_LOCK_NESTED_HASH_MAP" })
	StoreType type;

	private StoreType.Store store;

	private final StatePath leaf3 = StatePath.of("/a/b/c");

	private final StatePath leaf5 = StatePath.of("/a/b/c/d/e");

	private final StatePath big = StatePath.of("/big");

	private int counter;

	@Setup
	public void setup() {
		this.store = this.type.create();
		// Written through other String instances than the reads use, as in real use, so that no
		// implementation gets to compare keys by identity alone.
		this.store.set(StatePath.ofSegments(java.util.List.of("a", "b", "c", "d", "e")), 42);
		for (int i = 0; i < 1_000; i++) {
			this.store.set("/big/child" + i, i);
		}
		for (int i = 0; i < 100; i++) {
			this.store.set("/a/b/sibling" + i, i);
		}
	}

	/** Writes a new value to a leaf at depth 3 (no subscribers). */
	@Benchmark
	public void setLeafDepth3() {
		this.store.set(this.leaf3, this.counter++);
	}

	/** Reads a leaf at depth 5 through a parsed path. */
	@Benchmark
	public Object getLeafDepth5() {
		return this.store.get(this.leaf5);
	}

	/** Reads a leaf at depth 5 from its path string (parsing included). */
	@Benchmark
	public Object getLeafDepth5String() {
		return this.store.get("/a/b/c/d/e");
	}

	/** Reads a branch of 1,000 children. */
	@Benchmark
	public Object getSubtree1000() {
		return this.store.get(this.big);
	}

}
