package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiryIndexTest {

	private static StatePath p(String path) {
		return StatePath.of(path);
	}

	private static Write ttl(String path, Object value, long nanos) {
		return new Write(p(path), value, null, Lifetime.ttl(Duration.ofNanos(nanos)));
	}

	@Test
	void anEmptyIndexIgnoresPlainWritesWithoutAllocating() {
		ExpiryIndex empty = ExpiryIndex.EMPTY;
		assertThat(empty.apply(Write.of(p("/a/b"), 1), 0)).isSameAs(empty);
		assertThat(empty.apply(new Write(p("/a"), 1, null, Lifetime.KEEP), 0)).isSameAs(empty);
		assertThat(empty.clear(p("/a"))).isSameAs(empty);
		assertThat(empty.nextDue()).isEqualTo(ExpiryIndex.NONE);
		assertThat(empty.isDue(p("/a"), Long.MAX_VALUE - 1)).isFalse();
		assertThat(empty.due(Long.MAX_VALUE - 1)).isEmpty();
	}

	@Test
	void aPlainWriteElsewhereKeepsTheSameIndex() {
		ExpiryIndex index = ExpiryIndex.EMPTY.apply(ttl("/a/b", 1, 100), 0);
		assertThat(index.apply(Write.of(p("/c/d"), 1), 5)).isSameAs(index);
		assertThat(index.apply(Write.of(p("/a/c"), 1), 5)).isSameAs(index);
	}

	@Test
	void aTimeToLiveFallsDueAndCoversItsSubtree() {
		ExpiryIndex index = ExpiryIndex.EMPTY.apply(ttl("/a", Branch.EMPTY, 100), 10);
		index = index.apply(Write.of(p("/a/b"), 1), 20);
		assertThat(index.nextDue()).isEqualTo(110);
		assertThat(index.nextDue(110)).isEqualTo(110);
		assertThat(index.isDue(p("/a/b"), 109)).isFalse();
		assertThat(index.isDue(p("/a/b"), 110)).isTrue();
		assertThat(index.isDue(p("/c"), 110)).isFalse();
		assertThat(index.remaining(p("/a/b"), 60)).isEqualTo(50);
		assertThat(index.remaining(p("/c"), 60)).isEqualTo(ExpiryIndex.NONE);
		assertThat(index.due(110)).containsExactly(p("/a"));
	}

	@Test
	void aPermanentWriteAtOrAboveClearsAndKeepKeepsTheOwnEntry() {
		ExpiryIndex index = ExpiryIndex.EMPTY.apply(ttl("/a/b", 1, 100), 0).apply(ttl("/a/c", 1, 50), 0);
		assertThat(index.nextDue()).isEqualTo(50);
		ExpiryIndex kept = index.apply(new Write(p("/a/c"), 2, null, Lifetime.KEEP), 30);
		assertThat(kept.nextDue()).isEqualTo(50);
		ExpiryIndex cleared = index.apply(Write.of(p("/a/c"), 2), 30);
		// the bound stays a lower bound (no scan on a write); the exact time is found once reached
		assertThat(cleared.nextDue()).isEqualTo(50);
		assertThat(cleared.nextDue(49)).isEqualTo(50);
		assertThat(cleared.nextDue(50)).isEqualTo(100);
		assertThat(cleared.nextDue()).isEqualTo(100);
		assertThat(cleared.due(99)).isEmpty();
		assertThat(cleared.nanosUntilNextDue(60)).isEqualTo(40);
		assertThat(index.apply(Write.of(p("/a"), 2), 30).isEmpty()).isTrue();
		assertThat(index.apply(Write.of(p("/"), Branch.EMPTY), 30).isEmpty()).isTrue();
		ExpiryIndex keptBranch = ExpiryIndex.EMPTY.apply(ttl("/a", Branch.EMPTY, 100), 0)
			.apply(ttl("/a/b", 1, 10), 0)
			.apply(new Write(p("/a"), 5, null, Lifetime.KEEP), 0);
		assertThat(keptBranch.entries()).containsOnlyKeys(p("/a"));
	}

	@Test
	void ephemeralEntriesAreListedByOwner() {
		ExpiryIndex index = ExpiryIndex.EMPTY.apply(new Write(p("/presence/x"), 1, null, Lifetime.ephemeral("x")), 0)
			.apply(new Write(p("/presence/y"), 1, null, Lifetime.ephemeral("y")), 0)
			.apply(new Write(p("/presence/x/sub"), 1, null, Lifetime.ephemeral("x")), 0);
		assertThat(index.ephemeral("x")).containsExactly(p("/presence/x"));
		assertThat(index.ephemeralAll()).containsExactlyInAnyOrder(p("/presence/x"), p("/presence/y"));
		assertThat(index.hasEphemeral()).isTrue();
		assertThat(index.nextDue()).isEqualTo(ExpiryIndex.NONE);
		assertThat(index.remaining(p("/presence/x"), 0)).isEqualTo(ExpiryIndex.NONE);
		assertThat(index.clear(p("/presence")).hasEphemeral()).isFalse();
	}

	@Test
	void withoutDueRemovesDueDescendantsFromAValue() {
		Map<String, Object> tree = StateValues.branch(Map.of("a", StateValues.branch(Map.of("b", 1, "c", 2)), "d", 3));
		ExpiryIndex index = ExpiryIndex.EMPTY.apply(ttl("/a/b", 1, 10), 0).apply(ttl("/d", 3, 100), 0);
		assertThat(index.withoutDue(StatePath.ROOT, tree, 5)).isSameAs(tree);
		Object at10 = index.withoutDue(StatePath.ROOT, tree, 10);
		assertThat(StateValues.equal(at10,
				StateValues.branch(Map.of("a", StateValues.branch(Map.of("c", 2)), "d", 3)))).isTrue();
		assertThat(index.withoutDue(p("/a/b"), 1, 10)).isNull();
		assertThat(index.withoutDue(p("/a/b/x"), 1, 10)).isNull();
		assertThat(index.withoutDue(p("/d"), 3, 10)).isEqualTo(3);
		Object a = StateValues.getIn(tree, p("/a"));
		assertThat(StateValues.equal(index.withoutDue(p("/a"), a, 10), StateValues.branch(Map.of("c", 2)))).isTrue();
	}

	@Test
	void loadedEntriesKeepWhatIsBelow() {
		ExpiryIndex index = ExpiryIndex.EMPTY.with(p("/a/b"), 5, null).with(p("/a"), 9, null).with(p("/e"),
				ExpiryIndex.NONE, "o");
		assertThat(index.entries()).containsOnlyKeys(p("/a"), p("/a/b"), p("/e"));
		assertThat(index.due(5)).containsExactly(p("/a/b"));
		assertThat(index.due(9)).containsExactly(p("/a"));
	}

	@Test
	void refreshingManySiblingsInTurnStaysCheap() {
		ExpiryIndex index = ExpiryIndex.EMPTY;
		int n = 50_000;
		long now = 0;
		for (int i = 0; i < n; i++) {
			index = index.apply(ttl("/sessions/s" + i, 1, 1_000_000), now++);
		}
		// each refresh moves the earliest entry to the end: the next due time must follow
		long started = System.nanoTime();
		for (int i = 0; i < n; i++) {
			assertThat(index.nextDue(now)).isGreaterThan(now);
			if (i % 10_000 == 0) {
				assertThat(index.exactNextDue()).isEqualTo(i + 1_000_000L);
			}
			index = index.apply(ttl("/sessions/s" + i, 1, 1_000_000), now++);
		}
		assertThat(index.nextDue(2_000_000L)).isEqualTo(n + 1_000_000L);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("50,000 refreshes")
			.isLessThan(Duration.ofSeconds(20));
		assertThat(index.due(n + 1_000_000L + 5)).containsExactly(p("/sessions/s0"), p("/sessions/s1"), p("/sessions/s2"),
				p("/sessions/s3"), p("/sessions/s4"), p("/sessions/s5"));
		assertThat(index.clear(p("/sessions")).isEmpty()).isTrue();
		assertThat(index.clear(p("/sessions")).nextDue()).isEqualTo(ExpiryIndex.NONE);
	}

	@Test
	void entriesFallingDueOneAfterAnotherAreFoundWithoutAScanEach() {
		// sessions written at a steady rate fall due at the same rate: each expiry must not scan
		// the whole trie (a scan of 20,000 entries per expiry would take minutes here)
		ExpiryIndex index = ExpiryIndex.EMPTY;
		int n = 20_000;
		for (int i = 0; i < n; i++) {
			index = index.apply(ttl("/sessions/s" + i, 1, 1_000_000), i * 10L);
		}
		long started = System.nanoTime();
		for (int i = 0; i < n; i++) {
			long now = i * 10L + 1_000_000;
			assertThat(index.nanosUntilNextDue(now - 1)).isEqualTo(1);
			assertThat(index.nanosUntilNextDue(now)).isZero();
			assertThat(index.due(now)).containsExactly(p("/sessions/s" + i));
			index = index.clear(p("/sessions/s" + i));
			assertThat(index.due(now)).isEmpty();
			if (i % 3 == 0) { // a write in between, due later than all
				index = index.apply(ttl("/other/o" + i, 1, 10_000_000), now);
			}
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("20,000 expiries one by one")
			.isLessThan(Duration.ofSeconds(20));
		assertThat(index.entries().keySet()).allMatch(path -> path.segment(0).equals("other"));
	}

	// ---- against a naive model ----

	/** One step: a write at a path with a lifetime kind, then time moves on. */
	record Step(String path, int kind, long ttl, long advance) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<String> segment = Arbitraries.of("a", "b", "c");
		Arbitrary<String> path = segment.list().ofMinSize(0).ofMaxSize(3).map(s -> "/" + String.join("/", s));
		return Combinators
			.combine(path, Arbitraries.integers().between(0, 5), Arbitraries.longs().between(1, 50),
					Arbitraries.longs().between(0, 20))
			.as(Step::new)
			.list()
			.ofMaxSize(40);
	}

	@Property(tries = 300)
	void behavesLikeAMapOfPaths(@ForAll("steps") List<Step> steps) {
		ExpiryIndex index = ExpiryIndex.EMPTY;
		Map<StatePath, ExpiryIndex.Entry> model = new HashMap<>();
		long now = 1000;
		for (Step step : steps) {
			StatePath path = p(step.path());
			// kinds: 0 permanent, 1 delete, 2 ttl, 3 ephemeral "x", 4 ephemeral "y", 5 keep
			Lifetime lifetime = switch (step.kind()) {
				case 2 -> Lifetime.ttl(Duration.ofNanos(step.ttl()));
				case 3 -> Lifetime.ephemeral("x");
				case 4 -> Lifetime.ephemeral("y");
				case 5 -> Lifetime.KEEP;
				default -> null;
			};
			Object value = (step.kind() == 1) ? null : 1;
			index = index.apply(new Write(path, value, null, lifetime), now);
			ExpiryIndex.Entry own = model.get(path);
			model.keySet().removeIf(path::isAncestorOrSelf);
			if (value != null && lifetime != null) {
				if (lifetime.isKeep()) {
					if (own != null) {
						model.put(path, own);
					}
				}
				else if (lifetime.ttl() != null) {
					model.put(path, new ExpiryIndex.Entry(now + step.ttl(), null));
				}
				else {
					model.put(path, new ExpiryIndex.Entry(ExpiryIndex.NONE, lifetime.owner()));
				}
			}
			now += step.advance();
			check(index, model, now);
		}
	}

	private static void check(ExpiryIndex index, Map<StatePath, ExpiryIndex.Entry> model, long now) {
		assertThat(index.entries()).isEqualTo(model);
		assertThat(index.isEmpty()).isEqualTo(model.isEmpty());
		long next = model.values().stream().mapToLong(ExpiryIndex.Entry::due).min().orElse(ExpiryIndex.NONE);
		assertThat(index.nextDue()).isLessThanOrEqualTo(next);
		assertThat(index.nextDue(now) <= now).isEqualTo(next <= now);
		assertThat(index.exactNextDue()).isEqualTo(next);
		Set<StatePath> dueModel = new HashSet<>();
		model.forEach((path, entry) -> {
			if (entry.due() <= now && model.entrySet()
				.stream()
				.noneMatch(e -> e.getKey().isAncestorOf(path) && e.getValue().due() <= now)) {
				dueModel.add(path);
			}
		});
		assertThat(index.due(now)).containsExactlyInAnyOrderElementsOf(dueModel);
		for (String owner : List.of("x", "y")) {
			assertThat(index.ephemeral(owner)).containsExactlyInAnyOrderElementsOf(shallowest(model, owner));
		}
		assertThat(index.ephemeralAll()).containsExactlyInAnyOrderElementsOf(shallowest(model, null));
		for (StatePath probe : probes()) {
			long due = ExpiryIndex.NONE;
			for (Map.Entry<StatePath, ExpiryIndex.Entry> e : model.entrySet()) {
				if (e.getKey().isAncestorOrSelf(probe)) {
					due = Math.min(due, e.getValue().due());
				}
			}
			assertThat(index.dueOf(probe)).as("due of %s", probe).isEqualTo(due);
			assertThat(index.isDue(probe, now)).as("is %s due", probe).isEqualTo(due <= now);
		}
	}

	private static List<StatePath> shallowest(Map<StatePath, ExpiryIndex.Entry> model, @Nullable String owner) {
		List<StatePath> found = new ArrayList<>();
		model.forEach((path, entry) -> {
			if (entry.owner() != null && (owner == null || owner.equals(entry.owner())) && model.entrySet()
				.stream()
				.noneMatch(e -> e.getKey().isAncestorOf(path) && e.getValue().owner() != null
						&& (owner == null || owner.equals(e.getValue().owner())))) {
				found.add(path);
			}
		});
		return found;
	}

	private static List<StatePath> probes() {
		List<StatePath> probes = new ArrayList<>();
		probes.add(StatePath.ROOT);
		for (String a : List.of("a", "b", "c")) {
			probes.add(p("/" + a));
			for (String b : List.of("a", "b", "c")) {
				probes.add(p("/" + a + "/" + b));
				probes.add(p("/" + a + "/" + b + "/c"));
			}
		}
		return probes;
	}

}
