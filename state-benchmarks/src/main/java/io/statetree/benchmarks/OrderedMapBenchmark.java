package io.statetree.benchmarks;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StatePath;
import io.statetree.core.backend.StateValues;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.pcollections.OrderedPMap;

/**
 * Compares StateTree's branch (the persistent insertion-ordered map behind every branch of the
 * tree, reached through the public {@link StateValues}: built with {@link StateValues#branch},
 * read with {@code Map.get}, edited with {@link StateValues#setIn} one segment deep, as a commit
 * edits each branch on its path) with pcollections' {@link OrderedPMap}, the obvious
 * off-the-shelf persistent insertion-ordered map, at 10, 1,000 and 100,000 String keys. The
 * branch's own costs (one small wrapper per edit, and {@code setIn} finding the child it
 * replaces) are included, since the tree pays them too.
 * <p>
 * Each trial runs one implementation only (one field is {@code null}), so the branch on the
 * implementation is perfectly predictable. Keys are visited in a shuffled order.
 * <p>
 * Run: {@code java -jar state-benchmarks/target/benchmarks.jar OrderedMapBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OrderedMapBenchmark {

	@Param({ "ours", "pcollections" })
	public String impl;

	@Param({ "10", "1000", "100000" })
	public int size;

	private String[] keys;

	/** The keys as one-segment paths, for {@code setIn}. */
	private StatePath[] paths;

	private int[] order;

	private int cursor;

	private Map<String, Object> ours;

	private OrderedPMap<String, Integer> pcollections;

	private final Integer otherValue = Integer.valueOf(-123_456_789);

	private final String absentKey = "absent-key";

	private final StatePath absentPath = StatePath.ROOT.child(this.absentKey);

	@Setup(Level.Trial)
	public void setUp() {
		this.keys = new String[this.size];
		this.paths = new StatePath[this.size];
		this.order = new int[this.size];
		for (int i = 0; i < this.size; i++) {
			this.keys[i] = "key-" + i;
			this.paths[i] = StatePath.ROOT.child(this.keys[i]);
			this.order[i] = i;
		}
		Random random = new Random(42);
		for (int i = this.size - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = this.order[i];
			this.order[i] = this.order[j];
			this.order[j] = t;
		}
		switch (this.impl) {
			case "ours" -> {
				Map<String, Object> map = new LinkedHashMap<>();
				for (int i = 0; i < this.size; i++) {
					map.put(this.keys[i], i);
				}
				this.ours = StateValues.branch(map);
			}
			case "pcollections" -> {
				OrderedPMap<String, Integer> map = OrderedPMap.empty();
				for (int i = 0; i < this.size; i++) {
					map = map.plus(this.keys[i], i);
				}
				this.pcollections = map;
			}
			default -> throw new IllegalArgumentException(this.impl);
		}
	}

	private int next() {
		int c = this.cursor + 1;
		if (c == this.size) {
			c = 0;
		}
		this.cursor = c;
		return this.order[c];
	}

	private String nextKey() {
		return this.keys[next()];
	}

	/** Looks up a present key. */
	@Benchmark
	public Object getHit() {
		String key = nextKey();
		return (this.ours != null) ? this.ours.get(key) : this.pcollections.get(key);
	}

	/** Binds a present key to a different value (the map keeps its size and order). */
	@Benchmark
	public Object putReplace() {
		int i = next();
		return (this.ours != null) ? StateValues.setIn(this.ours, StatePath.ROOT, this.paths[i], this.otherValue)
				: this.pcollections.plus(this.keys[i], this.otherValue);
	}

	/** Adds a new key (it goes last), then removes it from the result. */
	@Benchmark
	public Object putNewThenRemove() {
		if (this.ours != null) {
			Object added = StateValues.setIn(this.ours, StatePath.ROOT, this.absentPath, this.otherValue);
			return StateValues.setIn(added, StatePath.ROOT, this.absentPath, null);
		}
		return this.pcollections.plus(this.absentKey, this.otherValue).minus(this.absentKey);
	}

	/** Removes a present key from the full map. */
	@Benchmark
	public Object removeHit() {
		int i = next();
		return (this.ours != null) ? StateValues.setIn(this.ours, StatePath.ROOT, this.paths[i], null)
				: this.pcollections.minus(this.keys[i]);
	}

	/** Iterates all entries in insertion order through the entry iterator. */
	@Benchmark
	public void iterate(Blackhole bh) {
		Iterator<? extends Map.Entry<String, ?>> it = (this.ours != null) ? this.ours.entrySet().iterator()
				: this.pcollections.entrySet().iterator();
		while (it.hasNext()) {
			Map.Entry<String, ?> e = it.next();
			bh.consume(e.getKey());
			bh.consume(e.getValue());
		}
	}

	/** Iterates all entries in insertion order through {@code forEach}. */
	@Benchmark
	public void forEach(Blackhole bh) {
		if (this.ours != null) {
			this.ours.forEach((k, v) -> {
				bh.consume(k);
				bh.consume(v);
			});
		}
		else {
			this.pcollections.forEach((k, v) -> {
				bh.consume(k);
				bh.consume(v);
			});
		}
	}

}
