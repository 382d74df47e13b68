package io.statetree.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
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
 * Leaf writes and reads, subtree reads: StateTree against a flat {@code ConcurrentHashMap},
 * nested {@code HashMap}s under a read-write lock, and the floor of a persistent tree
 * ({@link FloorTree}: path copy of 32-way nodes, one compare-and-set, one change record per
 * write), side by side.
 * <p>
 * {@code getLeafDepth5String} reads one path string again and again, so StateTree's parse cache
 * answers it; {@code getLeafDepth5StringMiss} reads round robin through 8,192 distinct path
 * strings (of 8,192 leaves at depth 5), more than the cache's 1,024 slots, so nearly every read
 * parses its path.
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

	private static final int MISS_PATHS = 8_192;

	@Param({ "STATETREE", "CONCURRENT_HASH_MAP", "RW_LOCK_NESTED_HASH_MAP", "PERSISTENT_TREE_FLOOR" })
	StoreType type;

	private StoreType.Store store;

	private final StatePath leaf3 = StatePath.of("/a/b/c");

	private final StatePath leaf5 = StatePath.of("/a/b/c/d/e");

	private final StatePath big = StatePath.of("/big");

	private final String[] missPaths = new String[MISS_PATHS];

	private int counter;

	private int nextMiss;

	@Setup
	public void setup() {
		this.store = this.type.create();
		// Written through other String instances than the reads use, as in real use, so that no
		// implementation gets to compare keys by identity alone.
		this.store.set(StatePath.ofSegments(java.util.List.of("a", "b", "c", "d", "e")), 42);
		Map<String, Object> children = new LinkedHashMap<>();
		for (int i = 0; i < 1_000; i++) {
			this.store.set("/big/child" + i, i);
			children.put("child" + i, i);
		}
		this.store.putBranch(this.big, children);
		for (int i = 0; i < MISS_PATHS; i++) {
			this.store.set("/m/b/c/d/k" + i, i);
			this.missPaths[i] = new String(("/m/b/c/d/k" + i).toCharArray());
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

	/**
	 * Reads a leaf at depth 5 from a path string the parse cache does not hold (round robin
	 * through 8,192 distinct strings): the parse is measured, not a cache hit.
	 */
	@Benchmark
	public Object getLeafDepth5StringMiss() {
		String path = this.missPaths[this.nextMiss];
		this.nextMiss = (this.nextMiss + 1) & (MISS_PATHS - 1);
		return this.store.get(path);
	}

	/** Reads a branch of 1,000 children (a present key in every store, the flat map's included). */
	@Benchmark
	public Object getSubtree1000() {
		return this.store.get(this.big);
	}

}
