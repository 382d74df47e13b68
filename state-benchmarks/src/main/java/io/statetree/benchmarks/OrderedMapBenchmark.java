package io.statetree.benchmarks;

import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.statetree.core.internal.PersistentOrderedMap;
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
 * Compares {@link PersistentOrderedMap} with pcollections' {@link OrderedPMap}, the obvious
 * off-the-shelf persistent insertion-ordered map, at 10, 1,000 and 100,000 String keys.
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

	private int[] order;

	private int cursor;

	private PersistentOrderedMap<String, Integer> ours;

	private OrderedPMap<String, Integer> pcollections;

	private final Integer otherValue = Integer.valueOf(-123_456_789);

	private final String absentKey = "absent-key";

	@Setup(Level.Trial)
	public void setUp() {
		this.keys = new String[this.size];
		this.order = new int[this.size];
		for (int i = 0; i < this.size; i++) {
			this.keys[i] = "key-" + i;
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
				PersistentOrderedMap<String, Integer> map = PersistentOrderedMap.empty();
				for (int i = 0; i < this.size; i++) {
					map = map.put(this.keys[i], i);
				}
				this.ours = map;
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

	private String nextKey() {
		int c = this.cursor + 1;
		if (c == this.size) {
			c = 0;
		}
		this.cursor = c;
		return this.keys[this.order[c]];
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
		String key = nextKey();
		return (this.ours != null) ? this.ours.put(key, this.otherValue) : this.pcollections.plus(key, this.otherValue);
	}

	/** Adds a new key (it goes last), then removes it from the result. */
	@Benchmark
	public Object putNewThenRemove() {
		return (this.ours != null) ? this.ours.put(this.absentKey, this.otherValue).remove(this.absentKey)
				: this.pcollections.plus(this.absentKey, this.otherValue).minus(this.absentKey);
	}

	/** Removes a present key from the full map. */
	@Benchmark
	public Object removeHit() {
		String key = nextKey();
		return (this.ours != null) ? this.ours.remove(key) : this.pcollections.minus(key);
	}

	/** Iterates all entries in insertion order through the entry iterator. */
	@Benchmark
	public void iterate(Blackhole bh) {
		Iterator<Map.Entry<String, Integer>> it = (this.ours != null) ? this.ours.iterator()
				: this.pcollections.entrySet().iterator();
		while (it.hasNext()) {
			Map.Entry<String, Integer> e = it.next();
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
