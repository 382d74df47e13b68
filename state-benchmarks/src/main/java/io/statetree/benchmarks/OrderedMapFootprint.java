package io.statetree.benchmarks;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

import io.statetree.core.StatePath;
import io.statetree.core.backend.StateValues;
import org.openjdk.jol.info.GraphLayout;
import org.pcollections.OrderedPMap;

/**
 * Measures retained heap with JOL: single maps of 10, 100 and 100,000 entries, and a tree of
 * 1,000,000 leaves in 10,000 branches of 100 children, for StateTree's branch (the persistent
 * insertion-ordered map behind the tree, built through the public {@link StateValues}, its small
 * wrapper included) against {@link HashMap}, {@link LinkedHashMap} and pcollections'
 * {@link OrderedPMap}.
 * <p>
 * Run: {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.OrderedMapFootprint}
 */
public final class OrderedMapFootprint {

	private OrderedMapFootprint() {
	}

	public static void main(String[] args) {
		for (int n : new int[] { 1, 8, 10, 100, 100_000 }) {
			String[] keys = new String[n];
			Long[] values = new Long[n];
			for (int i = 0; i < n; i++) {
				keys[i] = "key-" + i;
				values[i] = 1_000_000L + i;
			}
			long payload = payloadOf(keys, values);
			System.out.printf("%n%,d entries (keys and values alone: %,d bytes)%n", n, payload);
			report("StateTree branch (setIn per key)", n, payload, ours(keys, values, false));
			report("StateTree branch (branch of a map)", n, payload, ours(keys, values, true));
			report("HashMap", n, payload, fill(new HashMap<>(), keys, values));
			report("LinkedHashMap", n, payload, fill(new LinkedHashMap<>(), keys, values));
			OrderedPMap<String, Long> pc = OrderedPMap.empty();
			for (int i = 0; i < n; i++) {
				pc = pc.plus(keys[i], values[i]);
			}
			report("pcollections OrderedPMap", n, payload, pc);
		}
		tree();
	}

	private static long payloadOf(String[] keys, Long[] values) {
		Object[] all = new Object[keys.length + values.length];
		System.arraycopy(keys, 0, all, 0, keys.length);
		System.arraycopy(values, 0, all, keys.length, values.length);
		return GraphLayout.parseInstance(all).totalSize() - GraphLayout.parseInstance((Object) new Object[all.length]).totalSize();
	}

	private static Object ours(String[] keys, Long[] values, boolean whole) {
		if (whole) {
			return StateValues.branch(fill(new LinkedHashMap<>(), keys, values));
		}
		Object branch = StateValues.emptyBranch();
		for (int i = 0; i < keys.length; i++) {
			branch = StateValues.setIn(branch, StatePath.ROOT, StatePath.ROOT.child(keys[i]), values[i]);
		}
		return branch;
	}

	private static Map<String, Object> fill(Map<String, Object> map, String[] keys, Long[] values) {
		for (int i = 0; i < keys.length; i++) {
			map.put(keys[i], values[i]);
		}
		return map;
	}

	private static void report(String name, int n, long payload, Object map) {
		long total = GraphLayout.parseInstance(map).totalSize();
		System.out.printf("  %-32s total %,12d bytes, structure %,12d bytes = %6.1f bytes/entry%n", name, total,
				total - payload, (double) (total - payload) / n);
	}

	/** 10,000 branches of 100 children each; child names are shared strings, as a JSON parser interns them. */
	private static void tree() {
		int branches = 10_000;
		int children = 100;
		String[] childNames = new String[children];
		for (int c = 0; c < children; c++) {
			childNames[c] = "field" + c;
		}
		IntFunction<String> branchName = b -> "branch-" + b;

		Map<String, Object> nested = new HashMap<>();
		Map<String, Object> root = new LinkedHashMap<>();
		for (int b = 0; b < branches; b++) {
			Map<String, Object> leaves = new HashMap<>();
			Map<String, Object> branch = new LinkedHashMap<>();
			for (int c = 0; c < children; c++) {
				Long leaf = (long) b * children + c + 1_000_000L;
				leaves.put(childNames[c], leaf);
				branch.put(childNames[c], leaf);
			}
			String name = branchName.apply(b);
			nested.put(name, leaves);
			root.put(name, StateValues.branch(branch));
		}
		Map<String, Object> ours = StateValues.branch(root);
		long hashMaps = GraphLayout.parseInstance(nested).totalSize();
		long oursTotal = GraphLayout.parseInstance(ours).totalSize();
		// Leaves and names are shared by both trees, so count them once for the payload.
		long both = GraphLayout.parseInstance(nested, ours).totalSize();
		long payload = hashMaps + oursTotal - both;
		System.out.printf("%nTree of %,d leaves in %,d branches of %d (payload: leaves and names %,d bytes)%n",
				branches * children, branches, children, payload);
		System.out.printf("  nested HashMaps               %,14d bytes%n", hashMaps);
		System.out.printf("  nested StateTree branches     %,14d bytes  (%.2fx of HashMaps; structure alone %.2fx)%n",
				oursTotal, (double) oursTotal / hashMaps, (double) (oursTotal - payload) / (hashMaps - payload));
	}

}
