package io.statetree.core.fix16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 2 of issue 16 as properties on the four core backends: a computed value whose function
 * calls any read method of the controller is recomputed after a write to what it read (its
 * {@code get} equals the function applied to the current state), and it reads one snapshot per
 * computation while another thread writes.
 */
class Fix16ComputedReadMethodsPropertiesTest {

	enum Read {

		GET, GET_TYPED, GET_VERSIONED, SNAPSHOT, EXISTS, CHILD_NAMES;

		Object apply(StateController c, String path) {
			return switch (this) {
				case GET -> String.valueOf(c.get(path));
				case GET_TYPED -> String.valueOf(c.get(path, Object.class));
				case GET_VERSIONED -> String.valueOf(c.getVersioned(path).value());
				case SNAPSHOT -> String.valueOf(c.snapshot(path).value());
				case EXISTS -> c.exists(path);
				case CHILD_NAMES -> c.childNames(path).toString();
			};
		}

		/** Whether this returns the value (as text), so two paths always written equal read equal. */
		boolean comparesValue() {
			return this != CHILD_NAMES && this != EXISTS;
		}

	}

	record Write(String path, Integer value, boolean many) {
	}

	@Provide
	Arbitrary<String> paths() {
		return Arbitraries.of("/m/a", "/m/b", "/m/a/x", "/m");
	}

	@Provide
	Arbitrary<Write> writes() {
		return net.jqwik.api.Combinators
			.combine(paths().filter((p) -> !p.equals("/m")), Arbitraries.integers().between(0, 3).injectNull(0.2),
					Arbitraries.of(true, false))
			.as(Write::new);
	}

	@Provide
	Arbitrary<List<Write>> writeLists() {
		return writes().list().ofMaxSize(6);
	}

	@Property(tries = 100)
	void aComputedValueCallingAnyReadMethodFollowsTheState(@ForAll Fix16AsyncValueAtCallPropertiesTest.Backend backend,
			@ForAll Read read, @ForAll("paths") String path, @ForAll("writeLists") List<Write> writes)
			throws Exception {
		try (StateController c = StateController.builder().backend(backend.create()).build()) {
			c.set("/m/a", 0);
			Function<StateController, Object> function = (controller) -> read.apply(controller, path);
			try (Computed<Object> value = c.computed((view) -> function.apply(c))) {
				assertThat(value.get()).isEqualTo(function.apply(c));
				for (Write write : writes) {
					try {
						if (write.many()) {
							Map<String, Object> all = new HashMap<>();
							all.put(write.path(), write.value());
							c.setAll(all);
						}
						else {
							c.set(write.path(), write.value());
						}
					}
					catch (RuntimeException refused) {
						// a write under a leaf is refused; the state stays as it was
					}
					assertThat(value.get()).as("%s %s after %s, dependencies %s", read, path, write,
							value.dependencies()).isEqualTo(function.apply(c));
				}
			}
		}
	}

	@Property(tries = 20)
	void aComputedValueReadsOneSnapshotWhileAnotherThreadWrites(
			@ForAll Fix16AsyncValueAtCallPropertiesTest.Backend backend, @ForAll Read first, @ForAll Read second)
			throws Exception {
		try (StateController c = StateController.builder().backend(backend.create()).build()) {
			c.setAll(Map.of("/m/a", 0, "/m/b", 0));
			try (Computed<List<Object>> pair = c.computed((view) -> List.of(first.apply(c, "/m/a"),
					second.apply(c, "/m/b"), c.getVersioned("/m/a").revision(), c.snapshot("/m/b").revision()))) {
				AtomicBoolean stop = new AtomicBoolean();
				Thread writer = new Thread(() -> {
					for (int i = 1; !stop.get() && i < 100_000; i++) {
						c.setAll(Map.of("/m/a", i, "/m/b", i));
					}
				});
				writer.start();
				try {
					List<List<Object>> seen = new ArrayList<>();
					long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
					while (System.nanoTime() < until || seen.size() < 20) {
						seen.add(pair.get());
					}
					for (List<Object> one : seen) {
						if (first.comparesValue() && second.comparesValue()) {
							assertThat(one.get(0)).as("one computation %s", one).isEqualTo(one.get(1));
						}
						assertThat(one.get(2)).as("one revision per computation %s", one).isEqualTo(one.get(3));
					}
				}
				finally {
					stop.set(true);
					writer.join();
				}
			}
		}
	}

}
