package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random tracked effects over random derivations under random writes, some made by the effects
 * themselves and some by concurrent threads, for property tests on every backend.
 * <p>
 * Checked: no run of an effect observed a combination of values that never existed (every
 * derived value it read agrees with the sources it read beside it), and once everything is
 * quiet each effect's last observation equals what it reads from the final state.
 */
public final class EffectScenarios {

	/** Source paths the writers and effects write. */
	static final int SOURCES = 4;

	private static final Duration WAIT = Duration.ofSeconds(30);

	private EffectScenarios() {
	}

	/** Derivation {@code /d/<index>}: {@code 100 * index + } the sum of its inputs (absent counts 0). */
	public record DerivationSpec(List<Integer> inputs) {
	}

	/**
	 * An effect: reads these nodes, then (when {@code target >= 0}) writes {@code constant} to
	 * source {@code target}. Targets are distinct between effects, so effect writes settle.
	 */
	public record EffectSpec(List<Integer> reads, int target, int constant) {
	}

	/**
	 * A write by writer thread {@code thread}: kind 0 sets a source (null deletes), kind 1 sets
	 * two in one batch, kind 2 replaces the whole {@code /p} branch (the other sources vanish).
	 */
	public record WriteOp(int thread, int source, @Nullable Integer value, int otherSource, int kind) {
	}

	/** One scenario. */
	public record Scenario(List<DerivationSpec> derivations, List<EffectSpec> effects, List<WriteOp> writes,
			StateController.Dispatch dispatch) {
	}

	/**
	 * Node index to path: sources first ({@code /p/s<i>}), then derived values ({@code /d/d<j>}).
	 */
	static String path(int node) {
		return (node < SOURCES) ? "/p/s" + node : "/d/d" + (node - SOURCES);
	}

	/**
	 * Random scenarios.
	 * @return the arbitrary
	 */
	public static Arbitrary<Scenario> scenarios() {
		Arbitrary<List<DerivationSpec>> derivations = Arbitraries.integers().between(0, 3).flatMap((n) -> {
			if (n == 0) {
				return Arbitraries.just(List.<DerivationSpec>of());
			}
			List<Arbitrary<DerivationSpec>> each = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				each.add(Arbitraries.integers().between(0, SOURCES + i - 1).list().ofMinSize(1).ofMaxSize(3)
					.uniqueElements().map(DerivationSpec::new));
			}
			return Combinators.combine(each).as((list) -> list);
		});
		return derivations.flatMap((ds) -> {
			int nodes = SOURCES + ds.size();
			Arbitrary<EffectSpec> effect = Combinators.combine(
					Arbitraries.integers().between(0, nodes - 1).list().ofMinSize(1).ofMaxSize(4).uniqueElements(),
					Arbitraries.integers().between(-1, SOURCES - 1), Arbitraries.integers().between(0, 9))
				.as(EffectSpec::new);
			Arbitrary<List<EffectSpec>> effects = effect.list().ofMinSize(1).ofMaxSize(3).map(EffectScenarios::distinctTargets);
			Arbitrary<WriteOp> write = Combinators.combine(Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(0, SOURCES - 1), Arbitraries.integers().between(0, 20).injectNull(0.1),
					Arbitraries.integers().between(0, SOURCES - 1), Arbitraries.of(0, 0, 0, 1, 2))
				.as(WriteOp::new);
			return Combinators.combine(effects, write.list().ofMaxSize(30),
					Arbitraries.of(StateController.Dispatch.class))
				.as((es, ws, dispatch) -> new Scenario(ds, es, ws, dispatch));
		});
	}

	private static List<EffectSpec> distinctTargets(List<EffectSpec> effects) {
		Set<Integer> used = new HashSet<>();
		List<EffectSpec> result = new ArrayList<>();
		for (EffectSpec spec : effects) {
			int target = (spec.target() >= 0 && used.add(spec.target())) ? spec.target() : -1;
			result.add(new EffectSpec(spec.reads(), target, spec.constant()));
		}
		return result;
	}

	private static @Nullable Long number(@Nullable Object value) {
		return (value instanceof Number n) ? n.longValue() : null;
	}

	/**
	 * Runs a scenario on a controller made by the factory (closed at the end) and checks it.
	 * @param scenario the scenario
	 * @param factory makes a controller on a fresh, empty backend with the given dispatch
	 */
	public static void check(Scenario scenario, java.util.function.Function<StateController.Dispatch, StateController> factory)
			throws Exception {
		try (StateController controller = factory.apply(scenario.dispatch())) {
			run(scenario, controller);
		}
	}

	private static void run(Scenario scenario, StateController controller) throws Exception {
		List<DerivationSpec> derivations = scenario.derivations();
		for (int i = 0; i < derivations.size(); i++) {
			int index = i;
			List<String> inputs = new ArrayList<>();
			for (int node : derivations.get(i).inputs()) {
				inputs.add(path(node));
			}
			controller.deriveMany(path(SOURCES + i), inputs, (data) -> {
				long sum = 100L * index;
				for (String input : inputs) {
					Long value = number(data.get(input));
					sum += (value != null) ? value : 0;
				}
				return sum;
			});
		}
		List<List<Map<String, @Nullable Long>>> observations = new ArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Effect> handles = new ArrayList<>();
		for (EffectSpec spec : scenario.effects()) {
			List<Map<String, @Nullable Long>> seen = new CopyOnWriteArrayList<>();
			observations.add(seen);
			handles.add(controller.track((e) -> {
				try {
					Map<String, @Nullable Long> values = new LinkedHashMap<>();
					for (int node : spec.reads()) {
						values.put(path(node), number(e.get(path(node))));
					}
					seen.add(values);
					if (spec.target() >= 0) {
						e.set(path(spec.target()), spec.constant());
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}));
		}
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 3; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					start.await();
					for (WriteOp op : scenario.writes()) {
						if (op.thread() != thread) {
							continue;
						}
						if (op.kind() == 2) {
							Map<String, Object> branch = new LinkedHashMap<>();
							branch.put("s" + op.source(), (op.value() != null) ? op.value() : 0);
							branch.put("s" + op.otherSource(), (op.value() != null) ? op.value() + 2 : 1);
							controller.set("/p", branch);
						}
						else if (op.kind() == 1) {
							controller.batch(() -> {
								controller.set(path(op.source()), op.value());
								controller.set(path(op.otherSource()), (op.value() != null) ? op.value() + 1 : null);
							});
						}
						else {
							controller.set(path(op.source()), op.value());
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(WAIT).untilAsserted(() -> {
			for (int i = 0; i < scenario.effects().size(); i++) {
				List<Map<String, @Nullable Long>> seen = observations.get(i);
				assertThat(seen).as("runs of effect %d", i).isNotEmpty();
				Map<String, @Nullable Long> expected = new LinkedHashMap<>();
				for (int node : scenario.effects().get(i).reads()) {
					expected.put(path(node), number(controller.get(path(node))));
				}
				assertThat(seen.get(seen.size() - 1)).as("last observation of effect %d", i).isEqualTo(expected);
			}
		});
		assertThat(failures).isEmpty();
		for (int i = 0; i < observations.size(); i++) {
			for (Map<String, @Nullable Long> seen : observations.get(i)) {
				assertConsistent(derivations, seen, "effect " + i);
			}
		}
		for (Effect handle : handles) {
			handle.close();
		}
	}

	/** Every derived value in an observation agrees with those of its inputs read beside it. */
	private static void assertConsistent(List<DerivationSpec> derivations, Map<String, @Nullable Long> seen,
			String who) {
		for (int j = 0; j < derivations.size(); j++) {
			String destination = path(SOURCES + j);
			if (!seen.containsKey(destination)) {
				continue;
			}
			long expected = 100L * j;
			boolean complete = true;
			for (int node : derivations.get(j).inputs()) {
				if (!seen.containsKey(path(node))) {
					complete = false;
					break;
				}
				Long value = seen.get(path(node));
				expected += (value != null) ? value : 0;
			}
			if (complete) {
				assertThat(seen.get(destination)).as("%s observed %s, a combination that never existed", who, seen)
					.isEqualTo(expected);
			}
		}
	}

	/**
	 * Makes controllers on backends from a supplier.
	 * @param backends supplies fresh, empty backends
	 * @return the factory
	 */
	public static java.util.function.Function<StateController.Dispatch, StateController> on(
			Supplier<io.statetree.core.backend.StateBackend> backends) {
		return (dispatch) -> StateController.builder()
			.backend(backends.get())
			.dispatch(dispatch)
			.onError(StateController.OnError.LOG)
			.build();
	}

}
