package io.statetree.benchmarks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.InMemoryBackend;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measures the retained heap of 1,000,000 leaves under 10,000 branches in StateTree's in-memory
 * tree against the same data in nested {@code HashMap}s (JOL object graph walk; the leaf values
 * are the same shared {@code Integer}s and key strings are counted in both).
 * <p>
 * {@code java -cp state-benchmarks/target/benchmarks.jar io.statetree.benchmarks.HeapFootprint}
 */
public final class HeapFootprint {

	private HeapFootprint() {
	}

	public static void main(String[] args) {
		int branches = 10_000;
		int leavesPerBranch = 100;
		Map<String, Object> nested = new HashMap<>();
		InMemoryBackend backend = new InMemoryBackend();
		try (StateController controller = StateController.create(backend)) {
			for (int b = 0; b < branches; b++) {
				Map<String, Object> branch = new HashMap<>();
				Map<String, Object> source = new java.util.LinkedHashMap<>();
				for (int l = 0; l < leavesPerBranch; l++) {
					String key = "leaf" + l;
					Integer value = l;
					branch.put(key, value);
					source.put(key, value);
				}
				nested.put("branch" + b, branch);
				controller.set("/branch" + b, source);
			}
			long hashMaps = GraphLayout.parseInstance(nested).totalSize();
			long stateTree = GraphLayout.parseInstance(backend.root()).totalSize();
			System.out.printf("nested HashMaps: %,d bytes%n", hashMaps);
			System.out.printf("StateTree      : %,d bytes%n", stateTree);
			System.out.printf("ratio          : %.2f (target <= 1.00)%n", (double) stateTree / hashMaps);
			// every leaf read once, so the backend's remembered leaf reads are as full as they get;
			// then the backend's whole graph (tree, remembered reads, clock): the read path's cost
			// on top of the tree (the paths read are retained by the remembered reads, counted too)
			for (int b = 0; b < branches; b++) {
				for (int l = 0; l < leavesPerBranch; l++) {
					backend.read(StatePath.ofSegments(List.of("branch" + b, "leaf" + l)));
				}
			}
			long whole = GraphLayout.parseInstance(backend).totalSize();
			System.out.printf("StateTree with its read memo, after reading every leaf: %,d bytes (%.2f; memo and the rest %,d bytes)%n",
					whole, (double) whole / hashMaps, whole - stateTree);
		}
	}

}
