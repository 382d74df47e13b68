package io.statetree.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

/**
 * One source write that recomputes derivations, against the same write with none.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar DerivationBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DerivationBenchmark {

	/** NONE: a plain set; CHAIN_10: ten derivations in a chain; DAG_100: a random 100-node DAG. */
	@Param({ "NONE", "CHAIN_10", "DAG_100" })
	String shape;

	private StateController controller;

	private final StatePath source = StatePath.of("/source");

	private int counter;

	@Setup
	public void setup() {
		this.controller = StateController.create();
		this.controller.set(this.source, 0);
		if (this.shape.equals("CHAIN_10")) {
			String previous = "/source";
			for (int i = 0; i < 10; i++) {
				String destination = "/chain/d" + i;
				this.controller.derive(destination, previous, Integer.class, (n) -> (n == null) ? 0 : n + 1);
				previous = destination;
			}
		}
		else if (this.shape.equals("DAG_100")) {
			Random random = new Random(42);
			List<String> nodes = new ArrayList<>();
			nodes.add("/source");
			for (int i = 0; i < 100; i++) {
				List<String> sources = new ArrayList<>();
				int count = 1 + random.nextInt(3);
				for (int j = 0; j < count; j++) {
					String candidate = nodes.get(random.nextInt(nodes.size()));
					if (!sources.contains(candidate)) {
						sources.add(candidate);
					}
				}
				String destination = "/dag/n" + i;
				this.controller.deriveMany(destination, sources, (data) -> {
					long sum = 0;
					for (StatePath p : data.sources()) {
						Number n = (Number) data.get(p.toString());
						sum += (n != null) ? n.longValue() : 0;
					}
					return sum % 1_000_003;
				});
				nodes.add(destination);
			}
		}
	}

	@TearDown
	public void tearDown() {
		this.controller.close();
	}

	@Benchmark
	public boolean setSource() {
		return this.controller.set(this.source, this.counter++);
	}

}
