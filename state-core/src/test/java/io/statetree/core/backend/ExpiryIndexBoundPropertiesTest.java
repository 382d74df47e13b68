package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * The lower bound of the earliest due time that {@link ExpiryIndex} keeps instead of an ordered set
 * of due times: random time to live writes, rewrites, permanent branch writes, deletes, keeps, time
 * steps and sweeps (every due path cleared, as the expiry commits do) against a map of paths to due
 * times. Whether or not the exact time was scanned before, every answer is exact where it matters:
 * nothing reads as due early, nothing due is missed, each due path is listed once until cleared.
 */
class ExpiryIndexBoundPropertiesTest {

	/** The leaves of the value read back: every path of three levels over a, b, c. */
	private static final List<StatePath> LEAVES = leaves();

	/** One step: what is done at a path (see {@link #run}), then time moves on. */
	record Step(int kind, String path, long ttl, long advance) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<String> segment = Arbitraries.of("a", "b", "c");
		Arbitrary<String> path = segment.list().ofMinSize(0).ofMaxSize(3).map(s -> "/" + String.join("/", s));
		Arbitrary<Integer> kind = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(6, Arbitraries.just(2)), net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
				net.jqwik.api.Tuple.of(1, Arbitraries.just(1)), net.jqwik.api.Tuple.of(1, Arbitraries.just(3)),
				net.jqwik.api.Tuple.of(1, Arbitraries.just(4)), net.jqwik.api.Tuple.of(2, Arbitraries.just(5)),
				net.jqwik.api.Tuple.of(3, Arbitraries.just(6)));
		return Combinators
			.combine(kind, path, Arbitraries.longs().between(1, 60), Arbitraries.longs().between(0, 15))
			.as(Step::new)
			.list()
			.ofMaxSize(60);
	}

	@Property(tries = 500)
	void answersLikeAMapOfDueTimes(@ForAll("steps") List<Step> steps) {
		ExpiryIndex index = ExpiryIndex.EMPTY;
		Map<StatePath, ExpiryIndex.Entry> model = new HashMap<>();
		long now = -40; // the monotonic clock may read negative
		for (Step step : steps) {
			StatePath path = StatePath.of(step.path());
			switch (step.kind()) {
				case 0, 1 -> { // a permanent write or a delete: the lifetimes at and below go
					index = index.apply(new Write(path, (step.kind() == 1) ? null : 1, null, null), now);
					model.keySet().removeIf(path::isAncestorOrSelf);
				}
				case 2, 3 -> { // a time to live (a rewrite restarts it), or an ephemeral entry
					Lifetime lifetime = (step.kind() == 2) ? Lifetime.ttl(Duration.ofNanos(step.ttl()))
							: Lifetime.ephemeral("x");
					index = index.apply(new Write(path, 1, null, lifetime), now);
					model.keySet().removeIf(path::isAncestorOrSelf);
					model.put(path, (step.kind() == 2) ? new ExpiryIndex.Entry(now + step.ttl(), null)
							: new ExpiryIndex.Entry(ExpiryIndex.NONE, "x"));
				}
				case 4 -> { // a write keeping the own lifetime: those below go
					index = index.apply(new Write(path, 1, null, Lifetime.KEEP), now);
					model.keySet().removeIf(path::isAncestorOf);
				}
				case 5 -> { // a sweep: every listed path cleared, as the expiry commits do
					List<StatePath> due = index.due(now);
					assertThat(due).containsExactlyInAnyOrderElementsOf(dueModel(model, now));
					for (StatePath expired : due) {
						index = index.clear(expired);
						model.keySet().removeIf(expired::isAncestorOrSelf);
					}
					assertThat(index.due(now)).isEmpty();
					assertThat(index.nanosUntilNextDue(now)).isPositive();
				}
				default -> check(index, model, now, path);
			}
			assertThat(index.entries()).isEqualTo(model);
			assertThat(index.nextDue()).as("a lower bound").isLessThanOrEqualTo(next(model));
			now += step.advance();
		}
		check(index, model, now, StatePath.ROOT);
	}

	/** Reads first (the exact time not yet scanned when they come first), the timer's questions last. */
	private static void check(ExpiryIndex index, Map<StatePath, ExpiryIndex.Entry> model, long now, StatePath read) {
		Object tree = StateValues.getIn(fullTree(), read);
		Object seen = index.withoutDue(read, tree, now);
		for (StatePath leaf : LEAVES) {
			for (StatePath at = leaf; at != null; at = at.parent()) {
				if (read.isAncestorOrSelf(at)) {
					Object found = (seen == null) ? null : StateValues.getIn(seen, read.relativize(at));
					assertThat(found != null).as("%s read at %s, now %s", at, read, now)
						.isEqualTo(!coveredDue(model, at, now));
				}
			}
		}
		for (StatePath leaf : LEAVES) {
			assertThat(index.isDue(leaf, now)).as("is %s due", leaf).isEqualTo(coveredDue(model, leaf, now));
		}
		long next = next(model);
		long until = index.nanosUntilNextDue(now);
		assertThat(until == 0).as("something due").isEqualTo(next <= now);
		if (next != ExpiryIndex.NONE) {
			assertThat(until).as("the timer wakes no later than the due time").isLessThanOrEqualTo(Math.max(0, next - now));
		}
		assertThat(index.due(now)).containsExactlyInAnyOrderElementsOf(dueModel(model, now));
		assertThat(index.nextDue(now) <= now).isEqualTo(next <= now);
		if (next <= now) {
			assertThat(index.nextDue(now)).isEqualTo(next);
		}
		assertThat(index.exactNextDue()).isEqualTo(next);
		assertThat(index.nextDue()).isEqualTo(next);
	}

	private static long next(Map<StatePath, ExpiryIndex.Entry> model) {
		return model.values().stream().mapToLong(ExpiryIndex.Entry::due).min().orElse(ExpiryIndex.NONE);
	}

	/** Whether a path or one of its ancestors is due. */
	private static boolean coveredDue(Map<StatePath, ExpiryIndex.Entry> model, StatePath path, long now) {
		for (Map.Entry<StatePath, ExpiryIndex.Entry> entry : model.entrySet()) {
			if (entry.getKey().isAncestorOrSelf(path) && entry.getValue().due() <= now) {
				return true;
			}
		}
		return false;
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

	private static List<StatePath> leaves() {
		List<StatePath> leaves = new ArrayList<>();
		for (String a : List.of("a", "b", "c")) {
			for (String b : List.of("a", "b", "c")) {
				for (String c : List.of("a", "b", "c")) {
					leaves.add(StatePath.of("/" + a + "/" + b + "/" + c));
				}
			}
		}
		return leaves;
	}

	private static @Nullable Object fullTree() {
		Map<String, Object> top = new LinkedHashMap<>();
		for (String a : List.of("a", "b", "c")) {
			Map<String, Object> middle = new LinkedHashMap<>();
			for (String b : List.of("a", "b", "c")) {
				Map<String, Object> low = new LinkedHashMap<>();
				for (String c : List.of("a", "b", "c")) {
					low.put(c, 1);
				}
				middle.put(b, StateValues.branch(low));
			}
			top.put(a, StateValues.branch(middle));
		}
		return StateValues.branch(top);
	}

}
