package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The entry {@link ExpiryIndex} keeps pending beside its trie (the one written last, put in the
 * trie only when a write at another path comes): random sequences that rewrite one path again and
 * again between writes with a time to live, ephemeral writes of two owners, permanent writes,
 * deletes, keeps, subtree writes, loads ({@code with}), time steps and sweeps, over paths nested in
 * each other, against a map of paths to entries. Every answer of every index is the model's, after
 * each step and again at the end for every index made on the way (an index is immutable: what a
 * later write or query did never shows in an earlier one).
 */
class ExpiryIndexPendingPropertiesTest {

	private static final List<StatePath> PATHS = List.of(StatePath.ROOT, StatePath.of("/a"), StatePath.of("/a/b"),
			StatePath.of("/a/b/c"), StatePath.of("/a/d"), StatePath.of("/e"), StatePath.of("/e/f"));

	/**
	 * One step.
	 * @param kind 0 the last path again with a time to live, 1 a time to live, 2 and 3 ephemeral
	 * (owners x and y), 4 a permanent write, 5 a delete carrying a time to live, 6 a keep, 7 a load
	 * ({@code with}), 8 time passes, 9 a sweep
	 * @param path where (an index into {@link #PATHS})
	 * @param ttl the time to live, or how much time passes
	 */
	record Step(int kind, int path, long ttl) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Integer> kind = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)),
				Tuple.of(5, Arbitraries.just(1)), Tuple.of(2, Arbitraries.just(2)), Tuple.of(1, Arbitraries.just(3)),
				Tuple.of(2, Arbitraries.just(4)), Tuple.of(1, Arbitraries.just(5)), Tuple.of(1, Arbitraries.just(6)),
				Tuple.of(1, Arbitraries.just(7)), Tuple.of(3, Arbitraries.just(8)), Tuple.of(2, Arbitraries.just(9)));
		Arbitrary<Integer> path = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
				Tuple.of(12, Arbitraries.integers().between(1, PATHS.size() - 1)));
		return Combinators.combine(kind, path, Arbitraries.longs().between(1, 40))
			.as(Step::new)
			.list()
			.ofMaxSize(50);
	}

	@Property(tries = 400)
	void everyIndexAnswersLikeAMapOfEntries(@ForAll("steps") List<Step> steps) {
		ExpiryIndex index = ExpiryIndex.EMPTY;
		Map<StatePath, ExpiryIndex.Entry> model = new HashMap<>();
		List<ExpiryIndex> made = new ArrayList<>();
		List<Map<StatePath, ExpiryIndex.Entry>> models = new ArrayList<>();
		StatePath last = PATHS.get(1);
		long now = -25; // the monotonic clock may read negative
		for (Step step : steps) {
			StatePath path = (step.kind() == 0) ? last : PATHS.get(step.path());
			switch (step.kind()) {
				case 0, 1 -> {
					index = index.apply(new Write(path, 1, null, Lifetime.ttl(Duration.ofNanos(step.ttl()))), now);
					model.keySet().removeIf(path::isAncestorOrSelf);
					model.put(path, new ExpiryIndex.Entry(now + step.ttl(), null));
				}
				case 2, 3 -> {
					String owner = (step.kind() == 2) ? "x" : "y";
					index = index.apply(new Write(path, 1, null, Lifetime.ephemeral(owner)), now);
					model.keySet().removeIf(path::isAncestorOrSelf);
					model.put(path, new ExpiryIndex.Entry(ExpiryIndex.NONE, owner));
				}
				case 4, 5 -> {
					Lifetime lifetime = (step.kind() == 5) ? Lifetime.ttl(Duration.ofNanos(step.ttl())) : null;
					index = index.apply(new Write(path, (step.kind() == 5) ? null : 1, null, lifetime), now);
					model.keySet().removeIf(path::isAncestorOrSelf);
				}
				case 6 -> {
					index = index.apply(new Write(path, 1, null, Lifetime.KEEP), now);
					model.keySet().removeIf(path::isAncestorOf);
				}
				case 7 -> {
					index = index.with(path, now + step.ttl(), null);
					model.put(path, new ExpiryIndex.Entry(now + step.ttl(), null));
				}
				case 8 -> now += step.ttl();
				case 9 -> {
					for (StatePath expired : index.due(now)) {
						index = index.clear(expired);
						model.keySet().removeIf(expired::isAncestorOrSelf);
					}
				}
				default -> throw new IllegalStateException("kind " + step.kind());
			}
			if (step.kind() <= 3) {
				last = path;
			}
			check(index, model, now);
			made.add(index);
			models.add(new HashMap<>(model));
		}
		for (int i = 0; i < made.size(); i++) {
			assertThat(made.get(i).entries()).as("index %d at the end", i).isEqualTo(models.get(i));
		}
	}

	private static void check(ExpiryIndex index, Map<StatePath, ExpiryIndex.Entry> model, long now) {
		long next = model.values().stream().mapToLong(ExpiryIndex.Entry::due).min().orElse(ExpiryIndex.NONE);
		assertThat(index.nextDue()).as("a lower bound").isLessThanOrEqualTo(next);
		assertThat(index.isEmpty()).isEqualTo(model.isEmpty());
		for (StatePath path : PATHS) {
			assertThat(index.isDue(path, now)).as("is %s due at %s", path, now).isEqualTo(coveredDue(model, path, now));
			assertThat(index.dueOf(path)).as("due time of %s", path).isEqualTo(dueOf(model, path));
		}
		assertThat(index.nanosUntilNextDue(now) == 0).as("something due").isEqualTo(next <= now);
		assertThat(index.due(now)).containsExactlyInAnyOrderElementsOf(dueModel(model, now));
		assertThat(index.ephemeral("x")).containsExactlyInAnyOrderElementsOf(ephemeralModel(model, "x"));
		assertThat(index.ephemeralAll()).containsExactlyInAnyOrderElementsOf(ephemeralModel(model, null));
		assertThat(index.hasEphemeral()).isEqualTo(model.values().stream().anyMatch((e) -> e.owner() != null));
		assertThat(index.lifetimes(now).keySet()).isEqualTo(model.keySet());
		assertThat(index.entries()).isEqualTo(model);
		assertThat(index.exactNextDue()).isEqualTo(next);
	}

	private static long dueOf(Map<StatePath, ExpiryIndex.Entry> model, StatePath path) {
		long min = ExpiryIndex.NONE;
		for (Map.Entry<StatePath, ExpiryIndex.Entry> entry : model.entrySet()) {
			if (entry.getKey().isAncestorOrSelf(path)) {
				min = Math.min(min, entry.getValue().due());
			}
		}
		return min;
	}

	private static boolean coveredDue(Map<StatePath, ExpiryIndex.Entry> model, StatePath path, long now) {
		return dueOf(model, path) <= now;
	}

	/** The due paths with no due ancestor. */
	private static List<StatePath> dueModel(Map<StatePath, ExpiryIndex.Entry> model, long now) {
		List<StatePath> due = new ArrayList<>();
		model.forEach((path, entry) -> {
			StatePath parent = path.parent();
			if (entry.due() <= now && (parent == null || !coveredDue(model, parent, now))) {
				due.add(path);
			}
		});
		return due;
	}

	/** The ephemeral entries of an owner (any, for {@code null}) without such an entry above them. */
	private static List<StatePath> ephemeralModel(Map<StatePath, ExpiryIndex.Entry> model, @Nullable String owner) {
		List<StatePath> found = new ArrayList<>();
		model.forEach((path, entry) -> {
			if (matches(entry, owner) && model.entrySet()
				.stream()
				.noneMatch((other) -> other.getKey().isAncestorOf(path) && matches(other.getValue(), owner))) {
				found.add(path);
			}
		});
		return found;
	}

	private static boolean matches(ExpiryIndex.Entry entry, @Nullable String owner) {
		return entry.owner() != null && (owner == null || owner.equals(entry.owner()));
	}

}
