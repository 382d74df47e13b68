package io.statetree.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Property tests of tree operations and event delivery against a plain nested-map model.
 */
class ControllerPropertiesTest {

	/** One operation: write {@code value} at {@code path} ({@code null} deletes). */
	record Op(String path, @Nullable Object value) {
	}

	@Provide
	Arbitrary<List<Op>> operations() {
		Arbitrary<String> segment = Arbitraries.of("a", "b", "c");
		Arbitrary<String> path = segment.list().ofMinSize(0).ofMaxSize(3).map((s) -> "/" + String.join("/", s));
		Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map((i) -> (Object) i),
				Arbitraries.of("x", "y").map((s) -> (Object) s), Arbitraries.just(List.of(1, 2)));
		Arbitrary<Object> small = Arbitraries.maps(segment, leaf).ofMaxSize(2).map((m) -> (Object) m);
		Arbitrary<Object> nested = Arbitraries.maps(segment, small).ofMaxSize(2).map((m) -> (Object) m);
		Arbitrary<Object> value = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, leaf), net.jqwik.api.Tuple.of(2, small),
				net.jqwik.api.Tuple.of(1, nested), net.jqwik.api.Tuple.of(2, Arbitraries.just(null)));
		return Combinators.combine(path, value).as(Op::new).list().ofMaxSize(25);
	}

	@Property(tries = 300)
	void treeOperationsAgreeWithANestedMapModel(@ForAll("operations") List<Op> ops) {
		try (StateController controller = StateController.create()) {
			Map<String, Object> model = new LinkedHashMap<>();
			for (Op op : ops) {
				StatePath path = StatePath.of(op.path());
				boolean valid = modelCanWrite(model, path, op.value());
				if (!valid) {
					assertThatThrownBy(() -> controller.set(op.path(), op.value())).isInstanceOf(StateWriteException.class);
				}
				else {
					Object before = copy(modelGet(model, path));
					boolean changed = controller.set(op.path(), op.value());
					boolean modelChanged = modelWrite(model, path, op.value());
					assertThat(changed).isEqualTo(modelChanged);
				}
				assertThat(StateValues.equal(controller.get("/"), model))
					.as("after %s: %s vs model %s", op, controller.get("/"), model)
					.isTrue();
			}
		}
	}

	@Property(tries = 300)
	void deliveredEventsAreTheModelsDiff(@ForAll("operations") List<Op> ops) {
		try (StateController controller = StateController.create()) {
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/**", events::add);
			Map<String, Object> model = new LinkedHashMap<>();
			for (Op op : ops) {
				StatePath path = StatePath.of(op.path());
				if (!modelCanWrite(model, path, op.value())) {
					continue;
				}
				Object before = copy(modelGet(model, path));
				modelWrite(model, path, op.value());
				Object after = modelGet(model, path);
				events.clear();
				controller.set(op.path(), op.value());
				Set<String> expected = new HashSet<>();
				if (!StateValues.equal(before, after)) {
					expected.add(path + "<" + path + ":" + StateValues.toJsonString(before) + "->"
							+ StateValues.toJsonString(after));
					changedDescendants(path, before, after, expected);
				}
				Set<String> actual = new HashSet<>();
				for (StateEvent event : events) {
					actual.add(event.path() + "<" + event.emittingPath() + ":" + StateValues.toJsonString(event.prevValue())
							+ "->" + StateValues.toJsonString(event.newValue()));
				}
				assertThat(events).hasSameSizeAs(actual);
				assertThat(actual).as("events of %s", op).isEqualTo(expected);
			}
		}
	}

	private static void changedDescendants(StatePath path, @Nullable Object before, @Nullable Object after,
			Set<String> out) {
		Set<String> keys = new HashSet<>();
		if (before instanceof Map<?, ?> m) {
			m.keySet().forEach((k) -> keys.add((String) k));
		}
		if (after instanceof Map<?, ?> m) {
			m.keySet().forEach((k) -> keys.add((String) k));
		}
		for (String key : keys) {
			Object b = (before instanceof Map<?, ?> m) ? m.get(key) : null;
			Object a = (after instanceof Map<?, ?> m) ? m.get(key) : null;
			if (!StateValues.equal(b, a)) {
				StatePath child = path.child(key);
				out.add(child + "<" + child + ":" + StateValues.toJsonString(b) + "->" + StateValues.toJsonString(a));
				changedDescendants(child, b, a, out);
			}
		}
	}

	/**
	 * An equal write leaves the stored value as it was, key order included (a write equal to
	 * {@code {"c":"y","b":[1,2]}} spelled {@code {"b":[1,2],"c":"y"}} changes nothing).
	 */
	@org.junit.jupiter.api.Test
	void anEqualWriteKeepsTheStoredKeyOrder() {
		try (StateController controller = StateController.create()) {
			controller.set("/c/c", "y");
			controller.set("/c/b", List.of(1, 2));
			List<StateEvent> events = new ArrayList<>();
			controller.subscribe("/**", events::add);
			Map<String, Object> reordered = new LinkedHashMap<>();
			reordered.put("b", List.of(1, 2));
			reordered.put("c", "y");
			assertThat(controller.set("/c", reordered)).isFalse();
			assertThat(events).isEmpty();
			assertThat(StateValues.toJsonString(controller.get("/c"))).isEqualTo("{\"c\":\"y\",\"b\":[1,2]}");
			controller.set("/", Map.of());
			assertThat(events).extracting((e) -> StateValues.toJsonString(e.prevValue()))
				.contains("{\"c\":\"y\",\"b\":[1,2]}");
		}
	}

	/** The sequence CI found: an equal write in the other key order, then a write over it. */
	@org.junit.jupiter.api.Test
	void modelsAgreeOnAnEqualWriteInTheOtherKeyOrder() {
		Map<String, Object> reordered = new LinkedHashMap<>();
		reordered.put("b", List.of(1, 2));
		reordered.put("c", "y");
		List<Op> ops = List.of(new Op("/c/c", "y"), new Op("/c/b", List.of(1, 2)), new Op("/c", reordered),
				new Op("/a", Map.of()), new Op("/", Map.of()));
		treeOperationsAgreeWithANestedMapModel(ops);
		deliveredEventsAreTheModelsDiff(ops);
	}

	// ---- the model: mutable nested LinkedHashMaps ----

	/**
	 * Applies one write to the model as the store does: a write equal to what is there changes
	 * nothing (the stored key order stays).
	 * @return whether the model changed
	 */
	@SuppressWarnings("unchecked")
	private static boolean modelWrite(Map<String, Object> model, StatePath path, @Nullable Object value) {
		Map<String, Object> before = (Map<String, Object>) copy(model);
		modelSet(model, path, value);
		if (StateValues.equal(before, model)) {
			model.clear();
			model.putAll(before);
			return false;
		}
		return true;
	}

	private static boolean modelCanWrite(Map<String, Object> model, StatePath path, @Nullable Object value) {
		if (path.isRoot()) {
			return value == null || value instanceof Map;
		}
		if (value == null) {
			return true;
		}
		Object current = model;
		for (int i = 0; i < path.depth() - 1; i++) {
			current = ((Map<?, ?>) current).get(path.segment(i));
			if (current == null) {
				return true;
			}
			if (!(current instanceof Map)) {
				return false;
			}
		}
		return true;
	}

	private static @Nullable Object modelGet(Map<String, Object> model, StatePath path) {
		Object current = model;
		for (String segment : path.segments()) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(segment);
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private static void modelSet(Map<String, Object> model, StatePath path, @Nullable Object value) {
		if (path.isRoot()) {
			model.clear();
			if (value != null) {
				model.putAll((Map<String, Object>) copy(value));
			}
			return;
		}
		Map<String, Object> current = model;
		for (int i = 0; i < path.depth() - 1; i++) {
			Object next = current.get(path.segment(i));
			if (next == null) {
				if (value == null) {
					return;
				}
				next = new LinkedHashMap<String, Object>();
				current.put(path.segment(i), next);
			}
			if (!(next instanceof Map)) {
				return;
			}
			current = (Map<String, Object>) next;
		}
		if (value == null) {
			current.remove(path.name());
		}
		else {
			current.put(path.name(), copy(value));
		}
	}

	private static @Nullable Object copy(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> result = new LinkedHashMap<>();
			map.forEach((k, v) -> result.put((String) k, copy(v)));
			return result;
		}
		return value;
	}

}
