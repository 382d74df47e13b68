package io.statetree.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random DAGs of derivations under random writes, deletes and batches: after every commit every
 * destination equals a from-scratch recomputation, each derivation ran at most once, and
 * listeners on destinations never see a value that disagrees with its sources.
 */
class DerivationPropertiesTest {

	private static final int SOURCES = 5;

	/** A derivation: destination {@code /d/<index>} reading the given sources. */
	record Node(List<String> sources) {
	}

	/** One operation: a source index and a value (null deletes); batch groups several. */
	record Op(int kind, int source, @Nullable Integer value, List<Op> inner) {
	}

	@Provide
	Arbitrary<List<Node>> dags() {
		return Arbitraries.integers().between(2, 30).flatMap((n) -> {
			List<Arbitrary<Node>> nodes = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				List<String> candidates = new ArrayList<>();
				for (int s = 0; s < SOURCES; s++) {
					candidates.add("/s/" + s);
				}
				for (int j = 0; j < i; j++) {
					candidates.add("/d/" + j);
				}
				nodes.add(Arbitraries.of(candidates).list().ofMinSize(1).ofMaxSize(3).uniqueElements().map(Node::new));
			}
			return Combinators.combine(nodes).as((list) -> list);
		});
	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<Integer> source = Arbitraries.integers().between(0, SOURCES - 1);
		Arbitrary<Integer> value = Arbitraries.integers().between(0, 4).injectNull(0.2);
		Arbitrary<Op> single = Combinators.combine(source, value).as((s, v) -> new Op(0, s, v, List.of()));
		Arbitrary<Op> batch = single.list().ofMinSize(2).ofMaxSize(4).map((inner) -> new Op(1, 0, null, inner));
		Arbitrary<Op> whole = Arbitraries.integers().between(0, 3).map((v) -> new Op(2, 0, v, List.of()));
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, single), net.jqwik.api.Tuple.of(2, batch),
				net.jqwik.api.Tuple.of(1, whole)).list().ofMaxSize(20);
	}

	private static int compute(int index, List<@Nullable Object> values) {
		int sum = index;
		for (Object value : values) {
			sum = sum * 31 + ((value instanceof Number n) ? n.intValue() : -1);
		}
		return Math.floorMod(sum, 7);
	}

	@Property(tries = 150)
	void destinationsAlwaysEqualAFromScratchRecomputation(@ForAll("dags") List<Node> dag, @ForAll("ops") List<Op> ops) {
		try (StateController controller = StateController.create()) {
			AtomicIntegerArray runs = new AtomicIntegerArray(dag.size());
			List<String> inconsistencies = new ArrayList<>();
			for (int i = 0; i < dag.size(); i++) {
				int index = i;
				Node node = dag.get(i);
				controller.deriveMany("/d/" + i, node.sources(), (data) -> {
					runs.incrementAndGet(index);
					List<Object> values = new ArrayList<>();
					for (String source : node.sources()) {
						values.add(data.get(source));
					}
					return compute(index, values);
				});
				controller.subscribe("/d/" + i, (event) -> {
					List<Object> values = new ArrayList<>();
					for (String source : node.sources()) {
						values.add(event.get(source));
					}
					if (!Integer.valueOf(compute(index, values)).equals(event.newValue())) {
						inconsistencies.add("/d/" + index + " = " + event.newValue() + " with sources " + values);
					}
				});
			}
			assertFromScratch(controller, dag);
			for (Op op : ops) {
				for (int i = 0; i < dag.size(); i++) {
					runs.set(i, 0);
				}
				apply(controller, op);
				for (int i = 0; i < dag.size(); i++) {
					assertThat(runs.get(i)).as("runs of /d/%s in one commit", i).isLessThanOrEqualTo(1);
				}
				assertFromScratch(controller, dag);
			}
			assertThat(inconsistencies).isEmpty();
		}
	}

	private static void apply(StateController controller, Op op) {
		switch (op.kind()) {
			case 0 -> controller.set("/s/" + op.source(), op.value());
			case 1 -> controller.batch(() -> op.inner().forEach((inner) -> apply(controller, inner)));
			default -> {
				Map<String, Object> all = new LinkedHashMap<>();
				for (int s = 0; s < SOURCES; s += 2) {
					all.put(String.valueOf(s), op.value() + s);
				}
				controller.set("/s", all);
			}
		}
	}

	private static void assertFromScratch(StateController controller, List<Node> dag) {
		Map<String, Object> expected = new LinkedHashMap<>();
		for (int i = 0; i < dag.size(); i++) {
			List<Object> values = new ArrayList<>();
			for (String source : dag.get(i).sources()) {
				values.add(source.startsWith("/d/") ? expected.get(source) : controller.get(source));
			}
			expected.put("/d/" + i, compute(i, values));
		}
		for (Map.Entry<String, Object> entry : expected.entrySet()) {
			assertThat(controller.get(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
		}
	}

}
