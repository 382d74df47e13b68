package io.statetree.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.VirtualTimeBackends;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leaf read memo against the tree it stands for: random leaf and branch writes, deletes,
 * writes with a time to live, equal rewrites that restart or clear a lifetime, and steps of
 * virtual time, on the memory backend and on a hybrid's memory root and memory mount. After every
 * step each path is read by {@code get} (which the memo may answer) and by {@code getVersioned}
 * and {@code snapshot} (which walk the tree); all three print the same, and the
 * value equals a sequential model (a value past its due time is absent).
 * <p>
 * {@link #memoReadsWhatTheTreeHoldsWholeNumbers} writes whole numbers and text, and holds;
 * {@link #memoReadsWhatTheTreeHoldsDecimals} adds decimals written with different scales
 * ({@code 1.0}, {@code 1.00}: equal values, different text): break24's finding 1, now held because
 * an equal write keeps the stored form.
 */
class LeafReadMatchesTreeAfterEqualWritesPropertiesTest {

	private static final List<String> PATHS = List.of("/a/x", "/a/y", "/m/x", "/m/y");

	private static final List<String> READ = List.of("/a/x", "/a/y", "/m/x", "/m/y", "/a", "/never");

	/** kind 0 plain set, 1 set with ttl, 2 delete, 3 time passes, 4 equal rewrite of /tick (settles hints). */
	record Step(int kind, String path, int value, int scale, long millis) {
	}

	@Provide
	Arbitrary<List<Step>> whole() {
		return steps(Arbitraries.of(PATHS), Arbitraries.integers().between(0, 2), Arbitraries.just(-1));
	}

	@Provide
	Arbitrary<List<Step>> decimals() {
		// few paths and values, so that equal rewrites of one leaf in another scale are frequent
		return steps(Arbitraries.of("/a/x", "/m/x"), Arbitraries.just(1), Arbitraries.integers().between(0, 2));
	}

	private static Arbitrary<List<Step>> steps(Arbitrary<String> paths, Arbitrary<Integer> values,
			Arbitrary<Integer> scale) {
		return Combinators
			.combine(Arbitraries.integers().between(0, 4), paths, values, scale, Arbitraries.longs().between(1, 3_000))
			.as(Step::new)
			.list()
			.ofMinSize(1)
			.ofMaxSize(25);
	}

	@Property(tries = 120)
	void memoReadsWhatTheTreeHoldsWholeNumbers(@ForAll("whole") List<Step> steps, @ForAll boolean hybrid)
			throws Exception {
		check(steps, hybrid);
	}

	@Property(tries = 500)
	void memoReadsWhatTheTreeHoldsDecimals(@ForAll("decimals") List<Step> steps, @ForAll boolean hybrid)
			throws Exception {
		check(steps, hybrid);
	}

	/** Break24's finding 1, its smallest input: 1.0, 1.00 with a lifetime, 1.000 without, time passes, an equal write. */
	@net.jqwik.api.Example
	void findingOneSmallestInput() throws Exception {
		for (boolean hybrid : List.of(false, true)) {
			check(List.of(new Step(0, "/a/x", 1, 0, 1), new Step(1, "/a/x", 1, 1, 1_000), new Step(0, "/a/x", 1, 2, 1),
					new Step(3, "/a/x", 1, 0, 2_000), new Step(4, "/a/x", 1, 0, 1)), hybrid);
		}
	}

	private static Object value(Step step) {
		if (step.scale() < 0) {
			return (step.value() == 2) ? "two" : step.value();
		}
		return BigDecimal.valueOf(step.value()).setScale(step.scale() + 1);
	}

	private static void check(List<Step> steps, boolean hybrid) throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000_000L);
		StateBackend backend = hybrid
				? new HybridBackend(VirtualTimeBackends.inMemory(clock::get)).mount("/m",
						VirtualTimeBackends.inMemory(clock::get))
				: VirtualTimeBackends.inMemory(clock::get);
		Model model = new Model();
		try (StateController c = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			c.set("/tick", 0);
			for (Step step : steps) {
				long now = clock.get();
				switch (step.kind()) {
					case 0 -> {
						c.set(step.path(), value(step));
						model.put(step.path(), value(step), Long.MAX_VALUE);
					}
					case 1 -> {
						c.set(step.path(), value(step), WriteOptions.ttl(Duration.ofMillis(step.millis())));
						model.put(step.path(), value(step), now + Duration.ofMillis(step.millis()).toNanos());
					}
					case 2 -> {
						c.delete(step.path());
						model.put(step.path(), null, Long.MAX_VALUE);
					}
					case 3 -> clock.addAndGet(Duration.ofMillis(step.millis()).toNanos());
					default -> c.set("/tick", 0);
				}
				for (String path : READ) {
					Object read = c.get(path);
					var versioned = c.getVersioned(path);
					var snapshot = c.snapshot(path);
					String where = path + " after " + step;
					assertThat(String.valueOf(read)).as("get vs getVersioned at %s", where)
						.isEqualTo(String.valueOf(versioned.value()));
					assertThat(String.valueOf(read)).as("get vs snapshot at %s", where)
						.isEqualTo(String.valueOf(snapshot.value()));
					if (path.length() > 2 && !path.equals("/never")) {
						Object expected = model.get(path, clock.get());
						assertThat(read == null ? null : new BigDecimal(read.toString().replace("two", "2")))
							.as("model at %s", where)
							.usingComparator((x, y) -> (x == null || y == null) ? (x == y ? 0 : 1) : x.compareTo(y))
							.isEqualTo(expected == null ? null : new BigDecimal(expected.toString().replace("two", "2")));
					}
				}
			}
		}
	}

	/** The committed leaves with their due times (Long.MAX_VALUE: permanent). */
	private static final class Model {

		private final Map<String, Object[]> leaves = new java.util.HashMap<>();

		void put(String path, Object value, long due) {
			if (value == null) {
				this.leaves.remove(path);
			}
			else {
				this.leaves.put(path, new Object[] { value, due });
			}
		}

		Object get(String path, long now) {
			Object[] entry = this.leaves.get(path);
			return (entry == null || (long) entry[1] <= now) ? null : entry[0];
		}

	}

}
