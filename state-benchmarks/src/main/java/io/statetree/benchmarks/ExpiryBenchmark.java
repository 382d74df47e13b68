package io.statetree.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
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

/**
 * Times to live on the in-memory controller (DESIGN §12): a write with a time to live against a
 * plain write, and a read of a value that has a (live, not due) time to live against a read of a
 * permanent one, side by side in one run.
 * <p>
 * {@code write} says how every write of the run is made: {@code PLAIN} or {@code TTL} (one hour,
 * so nothing falls due while measuring). {@code otherTtlEntries} adds that many live entries
 * with a time to live under {@code /other}, which no benchmark touches: with {@code PLAIN} and
 * {@code 0} no lifetime exists anywhere, the case that must cost nothing more than before.
 * Before measuring, the 10,000 keys under {@code /keys} are written once the same way, so with
 * {@code TTL} they are 10,000 live entries.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar ExpiryBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExpiryBenchmark {

	private static final int KEYS = 10_000;

	private static final WriteOptions ONE_HOUR = WriteOptions.ttl(Duration.ofHours(1));

	/** How the writes of a run are made. */
	public enum Write {

		/** Without a lifetime. */
		PLAIN,

		/** With a time to live of one hour. */
		TTL

	}

	@Param({ "PLAIN", "TTL" })
	Write write;

	@Param({ "0", "10000" })
	int otherTtlEntries;

	private StateController controller;

	private final StatePath same = StatePath.of("/same/key");

	private final StatePath[] keys = new StatePath[KEYS];

	private int counter;

	private int next;

	@Setup
	public void setup() {
		this.controller = StateController.create();
		for (int i = 0; i < this.otherTtlEntries; i++) {
			this.controller.set(StatePath.of("/other/k" + i), i, ONE_HOUR);
		}
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = StatePath.of("/keys/k" + i);
			set(this.keys[i], i);
		}
		set(this.same, -1);
	}

	@TearDown
	public void tearDown() {
		this.controller.close();
	}

	/** Rewrites one key with a new value. */
	@Benchmark
	public boolean setSameKey() {
		return set(this.same, this.counter++);
	}

	/** Writes a new value to the next of 10,000 keys, round robin. */
	@Benchmark
	public boolean setDistinctKeys() {
		return set(nextKey(), this.counter++);
	}

	/** Reads the next of the 10,000 keys, round robin. */
	@Benchmark
	public Object get() {
		return this.controller.get(nextKey());
	}

	private StatePath nextKey() {
		StatePath key = this.keys[this.next];
		this.next = (this.next + 1 == KEYS) ? 0 : this.next + 1;
		return key;
	}

	private boolean set(StatePath path, int value) {
		return (this.write == Write.TTL) ? this.controller.set(path, value, ONE_HOUR)
				: this.controller.set(path, value);
	}

}
