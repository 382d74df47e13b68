package io.statetree.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;

/**
 * Issue 20's core goals and issue 14's memory TTL ratio measured for a machine shared with other
 * work: every pair runs in alternating rounds on one thread, each round timed on the thread's own
 * CPU clock ({@code ThreadMXBean.getCurrentThreadCpuTime}), so time the thread spends waiting for
 * a core does not count and both sides see the same background. Prints, per pair, the median
 * nanoseconds per operation of each side, and the median, minimum and maximum of the per-round
 * ratios (the spread).
 * <p>
 * The pairs are the ones the JMH benchmarks measure ({@link CoreBenchmark},
 * {@link SubscriptionBenchmark}, {@link DerivationBenchmark}, {@link ExpiryBenchmark}); everything
 * dispatched or derived runs on the writing thread (synchronous dispatch), so it is in the CPU time.
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.CorePairedComparison [rounds] [opsPerRound] [pairNameContains]}
 */
public final class CorePairedComparison {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final WriteOptions ONE_HOUR = WriteOptions.ttl(Duration.ofHours(1));

	private final int rounds;

	private final int ops;

	/** Only the pairs whose name contains this text are measured (empty: every pair). */
	private final String only;

	private final List<AutoCloseable> open = new ArrayList<>();

	/** Sink for read results, so reads are not optimised away. */
	private int sink;

	private CorePairedComparison(int rounds, int ops, String only) {
		this.rounds = rounds;
		this.ops = ops;
		this.only = only;
	}

	/**
	 * Runs every pair and prints one line per pair.
	 * @param args optional rounds (default 15), operations per round (default 200,000) and a text
	 * the names of the pairs to measure contain (default: every pair), e.g. {@code derive}
	 */
	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		int ops = (args.length > 1) ? Integer.parseInt(args[1]) : 200_000;
		String only = (args.length > 2) ? args[2] : "";
		new CorePairedComparison(rounds, ops, only).run();
	}

	private void run() throws Exception {
		System.out.printf(Locale.ROOT, "%-44s %12s %12s %8s %8s %8s  %s%n", "pair (A / B)", "A ns/op",
				"B ns/op", "median", "min", "max", "goal");
		StoreType.Store tree = coreStore(StoreType.STATETREE);
		StoreType.Store floor = coreStore(StoreType.PERSISTENT_TREE_FLOOR);
		StoreType.Store chm = coreStore(StoreType.CONCURRENT_HASH_MAP);
		StatePath leaf3 = StatePath.of("/a/b/c");
		StatePath leaf5 = StatePath.of("/a/b/c/d/e");
		int[] counter = new int[1];
		pair("leaf set: StateTree / write floor", (i) -> tree.set(leaf3, counter[0]++),
				(i) -> floor.set(leaf3, counter[0]++), "<= 1.11 (>= 0.9x the floor)");
		pair("leaf set: StateTree / CHM.put", (i) -> tree.set(leaf3, counter[0]++),
				(i) -> chm.set(leaf3, counter[0]++), "(anchor)");
		pair("depth-5 get: StateTree / CHM.get", (i) -> this.sink += System.identityHashCode(tree.get(leaf5)),
				(i) -> this.sink += System.identityHashCode(chm.get(leaf5)), "<= 3.33 (>= 0.3x CHM)");
		pair("depth-5 get: StateTree / read floor", (i) -> this.sink += System.identityHashCode(tree.get(leaf5)),
				(i) -> this.sink += System.identityHashCode(floor.get(leaf5)), "(floor)");
		pair("depth-5 get: read floor / CHM.get", (i) -> this.sink += System.identityHashCode(floor.get(leaf5)),
				(i) -> this.sink += System.identityHashCode(chm.get(leaf5)), "(floor vs anchor)");
		StateController typed = tree.controller();
		pair("depth-5 typed get (Integer): StateTree / CHM.get",
				(i) -> this.sink += System.identityHashCode(typed.get(leaf5, Integer.class)),
				(i) -> this.sink += System.identityHashCode(chm.get(leaf5)), "<= 3.33 (>= 0.3x CHM)");
		// leaf reads that a per-revision memo cannot answer: 4,096 distinct depth-5 leaves read
		// round robin (more than the 1,024 remembered), so each read walks the tree and remembers
		StatePath[] wide = new StatePath[4_096];
		StoreType.Store wideTree = coreStore(StoreType.STATETREE);
		StoreType.Store wideFloor = coreStore(StoreType.PERSISTENT_TREE_FLOOR);
		for (int i = 0; i < wide.length; i++) {
			wide[i] = StatePath.of("/w/" + (i % 16) + "/" + (i / 16 % 16) + "/v" + (i / 256) + "/e");
			wideTree.set(wide[i], i);
			wideFloor.set(wide[i], i);
		}
		pair("depth-5 get, 4,096 leaves: StateTree / floor",
				(i) -> this.sink += System.identityHashCode(wideTree.get(wide[i & 4_095])),
				(i) -> this.sink += System.identityHashCode(wideFloor.get(wide[i & 4_095])), "(reads the memo misses)");

		StateController none = controller();
		StateController one = controller();
		one.subscribe("/a/b/c", (e) -> this.sink += e.revision() == 0 ? 1 : 0);
		StateController unrelated = controller();
		for (int i = 0; i < 1_000; i++) {
			unrelated.subscribe("/other/" + i + "/value", (e) -> {
			});
		}
		for (int i = 0; i < 100; i++) {
			unrelated.subscribe("/elsewhere" + i + "/*/x/**", (e) -> {
			});
		}
		unrelated.subscribe("/a/b/c", (e) -> this.sink += e.revision() == 0 ? 1 : 0);
		pair("set, 1 listener / no listener", (i) -> one.set(leaf3, counter[0]++),
				(i) -> none.set(leaf3, counter[0]++), "<= 1.5");
		pair("set, 1100 unrelated + 1 / 1 listener", (i) -> unrelated.set(leaf3, counter[0]++),
				(i) -> one.set(leaf3, counter[0]++), "~1.0 (free)");

		StateController chain = controller();
		String previous = "/source";
		chain.set(previous, 0);
		for (int i = 0; i < 10; i++) {
			String destination = "/chain/d" + i;
			chain.derive(destination, previous, Integer.class, (n) -> (n == null) ? 0 : n + 1);
			previous = destination;
		}
		StateController plain = controller();
		StatePath source = StatePath.of("/source");
		pair("derive chain of 10 / plain set", (i) -> chain.set(source, counter[0]++),
				(i) -> plain.set(source, counter[0]++), "<= 8");
		StateController dag = controller();
		dag.set(source, 0);
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
			dag.deriveMany(destination, sources, (data) -> {
				long sum = 0;
				for (StatePath p : data.sources()) {
					Number n = (Number) data.get(p);
					sum += (n != null) ? n.longValue() : 0;
				}
				return sum % 1_000_003;
			});
			nodes.add(destination);
		}
		pair("derive DAG of 100 / plain set", (i) -> dag.set(source, counter[0]++),
				(i) -> plain.set(source, counter[0]++), "(DerivationBenchmark DAG_100)");

		StateController ttl = controller();
		StateController noTtl = controller();
		StatePath same = StatePath.of("/same/key");
		pair("set with TTL / plain set (memory)", (i) -> ttl.set(same, counter[0]++, ONE_HOUR),
				(i) -> noTtl.set(same, counter[0]++), "<= 1.3");
		StatePath[] keys = new StatePath[10_000];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = StatePath.of("/keys/k" + i);
			ttl.set(keys[i], i, ONE_HOUR);
			noTtl.set(keys[i], i);
		}
		pair("set 10k keys with TTL / plain (memory)", (i) -> ttl.set(keys[i % keys.length], counter[0]++, ONE_HOUR),
				(i) -> noTtl.set(keys[i % keys.length], counter[0]++), "<= 1.3");
		System.out.println("(sink " + (this.sink & 1) + ")");
		for (AutoCloseable closeable : this.open) {
			closeable.close();
		}
	}

	private StateController controller() {
		StateController controller = StateController.create();
		this.open.add(controller);
		return controller;
	}

	/** A store filled as {@link CoreBenchmark} fills it. */
	private StoreType.Store coreStore(StoreType type) {
		StoreType.Store store = type.create();
		store.set(StatePath.ofSegments(List.of("a", "b", "c", "d", "e")), 42);
		for (int i = 0; i < 1_000; i++) {
			store.set("/big/child" + i, i);
		}
		for (int i = 0; i < 100; i++) {
			store.set("/a/b/sibling" + i, i);
		}
		if (type == StoreType.STATETREE) {
			this.open.add(store.controller());
		}
		return store;
	}

	private void pair(String name, IntConsumer a, IntConsumer b, String goal) {
		if (!name.contains(this.only)) {
			return;
		}
		IntFunction<Long> timeA = (n) -> time(a, n);
		IntFunction<Long> timeB = (n) -> time(b, n);
		// warm-up: both sides compiled before the first measured round
		for (int i = 0; i < 3; i++) {
			timeA.apply(this.ops);
			timeB.apply(this.ops);
		}
		double[] nsA = new double[this.rounds];
		double[] nsB = new double[this.rounds];
		double[] ratios = new double[this.rounds];
		for (int r = 0; r < this.rounds; r++) {
			// alternate which side goes first, so neither always follows the other's garbage
			if ((r & 1) == 0) {
				nsA[r] = timeA.apply(this.ops) / (double) this.ops;
				nsB[r] = timeB.apply(this.ops) / (double) this.ops;
			}
			else {
				nsB[r] = timeB.apply(this.ops) / (double) this.ops;
				nsA[r] = timeA.apply(this.ops) / (double) this.ops;
			}
			ratios[r] = nsA[r] / nsB[r];
		}
		Arrays.sort(ratios);
		System.out.printf(Locale.ROOT, "%-44s %12.1f %12.1f %8.2f %8.2f %8.2f  %s%n", name, median(nsA), median(nsB),
				median(ratios), ratios[0], ratios[ratios.length - 1], goal);
	}

	private static long time(IntConsumer operation, int n) {
		long start = THREADS.getCurrentThreadCpuTime();
		for (int i = 0; i < n; i++) {
			operation.accept(i);
		}
		return THREADS.getCurrentThreadCpuTime() - start;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int mid = sorted.length / 2;
		return ((sorted.length & 1) == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

}
