package io.statetree.core.break20;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §7 on the memory backend, with many children (the ordered map changes shape past a
 * hundred children): random sets, deletes, {@code setAll}s and batches of several writes (issue 20
 * applies a commit's writes to one parent in one pass) on the children of one branch; after each
 * commit {@code /b}'s children come in the order of a {@link LinkedHashMap} given the same writes.
 */
class MemoryChildOrderPropertiesTest {

	/** One commit: the keys written with their values, {@code null} deleting; {@code kind} 0 set one by one, 1 setAll, 2 batch. */
	record Step(int kind, List<Map.Entry<Integer, @Nullable Integer>> writes) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Map.Entry<Integer, @Nullable Integer>> write = Combinators
			.combine(Arbitraries.integers().between(0, 179), Arbitraries.integers().between(0, 3).injectNull(0.35))
			.as((k, v) -> new java.util.AbstractMap.SimpleImmutableEntry<>(k, v));
		Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 2),
				write.list().ofMinSize(1).ofMaxSize(40).uniqueElements(Map.Entry::getKey))
			.as(Step::new);
		return step.list().ofMinSize(1).ofMaxSize(60);
	}

	@Property(tries = 300)
	void childrenKeepTheirInsertionOrder(@ForAll("steps") List<Step> steps) {
		Map<String, Integer> model = new LinkedHashMap<>();
		List<Step> done = new ArrayList<>();
		try (StateController state = StateController.create()) {
			state.set("/b/start", 1);
			model.put("start", 1);
			for (Step step : steps) {
				done.add(step);
				if (step.kind() == 0) {
					for (Map.Entry<Integer, Integer> write : step.writes()) {
						state.set("/b/k" + write.getKey(), write.getValue());
					}
				}
				else if (step.kind() == 1) {
					Map<String, Object> writes = new LinkedHashMap<>();
					step.writes().forEach((w) -> writes.put("/b/k" + w.getKey(), w.getValue()));
					state.setAll(writes);
				}
				else {
					state.batch(() -> {
						for (Map.Entry<Integer, Integer> write : step.writes()) {
							state.set("/b/k" + write.getKey(), write.getValue());
						}
					});
				}
				for (Map.Entry<Integer, Integer> write : step.writes()) {
					if (write.getValue() == null) {
						model.remove("k" + write.getKey());
					}
					else {
						model.put("k" + write.getKey(), write.getValue());
					}
				}
				Object b = state.get(StatePath.of("/b"));
				List<String> keys = (b == null) ? List.of() : new ArrayList<>(((Map<String, ?>) b).keySet());
				assertThat(keys).as("children of /b after " + done.size() + " commits").isEqualTo(new ArrayList<>(model.keySet()));
				assertThat(state.childNames("/b")).as("childNames of /b").isEqualTo(new ArrayList<>(model.keySet()));
			}
		}
	}

}
