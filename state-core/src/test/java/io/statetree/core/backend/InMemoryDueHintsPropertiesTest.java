package io.statetree.core.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory backend keeps a time to live with the slot of its leaf and finds due entries
 * through hints checked against the tree ({@link TreeDues}, {@link DueHints}): random steps (plain
 * writes, writes with a time to live, deletes, keeps, batches through both commit paths, batches
 * rolled back, time passing on a virtual clock, sweeps) over nested and sibling paths, against a
 * model of the values and a map of path to due time. After every step every path reads as the
 * model says (absent once it or an ancestor is due), {@code due()} lists exactly the shallowest due
 * paths (a stale hint would list a rewritten path; a missed entry would be left out), and the time
 * left and the next due time are the model's.
 */
class InMemoryDueHintsPropertiesTest {

	/** Paths holding a branch (written as a map) and paths holding a leaf. */
	private static final List<StatePath> BRANCHES = List.of(StatePath.of("/a"), StatePath.of("/a/b"),
			StatePath.of("/e"), StatePath.of("/k"));

	private static final List<StatePath> PATHS = List.of(StatePath.of("/a"), StatePath.of("/a/b"),
			StatePath.of("/a/b/c"), StatePath.of("/a/d"), StatePath.of("/e"), StatePath.of("/e/f"), StatePath.of("/k"),
			StatePath.of("/k/0"), StatePath.of("/k/1"), StatePath.of("/k/2"), StatePath.of("/k/3"), StatePath.of("/k/4"),
			StatePath.of("/k/5"));

	/**
	 * One step.
	 * @param kind 0-2 a write with a time to live, 3 a plain write, 4 a delete, 5 a keep (a counter's
	 * write), 6 a batch of three writes, 7 the same through the snapshot store, 8 a batch rolled back,
	 * 9-10 time passes, 11 a sweep
	 * @param path where (an index into {@link #PATHS}; a batch takes the next ones too)
	 * @param amount the time to live or the time passing
	 */
	record Step(int kind, int path, long amount) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Integer> kind = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().between(0, 2)),
				Tuple.of(2, Arbitraries.just(3)), Tuple.of(1, Arbitraries.just(4)), Tuple.of(1, Arbitraries.just(5)),
				Tuple.of(1, Arbitraries.just(6)), Tuple.of(1, Arbitraries.just(7)), Tuple.of(1, Arbitraries.just(8)),
				Tuple.of(3, Arbitraries.integers().between(9, 10)), Tuple.of(2, Arbitraries.just(11)));
		return Combinators.combine(kind, Arbitraries.integers().between(0, PATHS.size() - 1),
				Arbitraries.longs().between(1, 40)).as(Step::new).list().ofMaxSize(60);
	}

	/** The model: the values as a backend without lifetimes holds them, and the due times. */
	private static final class Model {

		final InMemoryBackend values = new InMemoryBackend(() -> 0L);

		final Map<StatePath, Long> dues = new HashMap<>();

		void write(StatePath path, @Nullable Object value, @Nullable Lifetime lifetime, long now) {
			this.values.commit(request(List.of(new Write(path, value, null, null))));
			Long kept = this.dues.get(path);
			this.dues.keySet().removeIf(path::isAncestorOrSelf);
			if (value == null) {
				return;
			}
			if (lifetime != null && lifetime.ttl() != null) {
				this.dues.put(path, now + lifetime.ttl().toNanos());
			}
			else if (lifetime != null && lifetime.isKeep() && kept != null) {
				this.dues.put(path, kept);
			}
		}

		long dueAlong(StatePath path) {
			long min = Long.MAX_VALUE;
			for (Map.Entry<StatePath, Long> e : this.dues.entrySet()) {
				if (e.getKey().isAncestorOrSelf(path)) {
					min = Math.min(min, e.getValue());
				}
			}
			return min;
		}

		/** The shallowest due paths, in path order. */
		Set<String> due(long now) {
			Set<String> due = new TreeSet<>();
			for (Map.Entry<StatePath, Long> e : this.dues.entrySet()) {
				StatePath p = e.getKey();
				if (e.getValue() <= now && (p.isRoot() || dueAlong(p.prefix(p.depth() - 1)) > now)) {
					due.add(p.toString());
				}
			}
			return due;
		}

		@Nullable Object visible(StatePath path, long now) {
			if (dueAlong(path) <= now) {
				return null;
			}
			Object value = this.values.read(path);
			for (String at : due(now)) {
				StatePath p = StatePath.of(at);
				if (path.isAncestorOf(p) && value != null) {
					value = TreeEdits.setIn(value, path, path.relativize(p), 0, null, null);
				}
			}
			return value;
		}

	}

	private static CommitRequest request(List<Write> writes) {
		return new CommitRequest(writes, List.of(), "test");
	}

	private static Object valueFor(StatePath path, int n) {
		return BRANCHES.contains(path) ? Map.of("v" + (n % 3), n) : n;
	}

	@Property(tries = 300)
	void readsSweepsAndTimesLeftFollowTheModel(@ForAll("steps") List<Step> steps) {
		long[] clock = { -1_000 };
		InMemoryBackend backend = new InMemoryBackend(() -> clock[0]);
		ExpiringEntries expiring = backend.expiringEntries();
		Model model = new Model();
		int n = 0;
		for (Step step : steps) {
			StatePath path = PATHS.get(step.path());
			long now = clock[0];
			n++;
			switch (step.kind()) {
				case 0, 1, 2, 3, 4, 5 -> {
					Lifetime lifetime = switch (step.kind()) {
						case 3, 4 -> null;
						case 5 -> Lifetime.KEEP;
						default -> Lifetime.ttl(Duration.ofNanos(step.amount()));
					};
					Object value = (step.kind() == 4) ? null : valueFor(path, n);
					backend.commit(request(List.of(new Write(path, value, null, lifetime))));
					model.write(path, value, lifetime, now);
				}
				case 6, 7, 8 -> {
					List<Write> writes = new ArrayList<>();
					for (int i = 0; i < 3; i++) {
						StatePath p = PATHS.get((step.path() + i * 5) % PATHS.size());
						if (writes.stream().anyMatch((w) -> w.path().isAncestorOrSelf(p) || p.isAncestorOrSelf(w.path()))) {
							continue;
						}
						Lifetime lifetime = (i == 1) ? null : Lifetime.ttl(Duration.ofNanos(step.amount() + i));
						writes.add(new Write(p, valueFor(p, n + i), null, lifetime));
					}
					SnapshotStore store = backend.snapshotStore();
					if (step.kind() == 6) {
						backend.commit(request(writes));
					}
					else {
						Map<String, Object> base = store.snapshot();
						Map<String, Object> applied = StateValues.applyToRoot(base, writes);
						if (step.kind() == 7) {
							store.commit(request(writes), base, applied);
						}
					}
					if (step.kind() != 8) {
						for (Write w : writes) {
							model.write(w.path(), w.value(), w.lifetime(), now);
						}
					}
				}
				case 9, 10 -> clock[0] += step.amount();
				default -> {
					List<StatePath> due = expiring.due();
					assertThat(due.stream().map(StatePath::toString)).containsExactlyInAnyOrderElementsOf(model.due(now));
					for (StatePath p : due) {
						backend.commit(request(List.of(new Write(p, null, null, null))));
						model.write(p, null, null, now);
					}
				}
			}
			check(backend, expiring, model, clock[0]);
		}
	}

	private static void check(InMemoryBackend backend, ExpiringEntries expiring, Model model, long now) {
		Set<String> due = model.due(now);
		assertThat(expiring.due().stream().map(StatePath::toString)).as("due at %d", now)
			.containsExactlyInAnyOrderElementsOf(due);
		long next = Long.MAX_VALUE;
		for (long d : model.dues.values()) {
			next = Math.min(next, d);
		}
		long nanos = expiring.nanosUntilNextDue();
		if (next == Long.MAX_VALUE) {
			assertThat(nanos).isPositive(); // a lower bound left by a gone entry: the timer checks once more
		}
		else if (next <= now) {
			assertThat(nanos).isZero();
		}
		else {
			assertThat(nanos).isPositive().isLessThanOrEqualTo(next - now);
		}
		for (StatePath path : PATHS) {
			Object expected = model.visible(path, now);
			assertThat(StateValues.equal(backend.read(path), expected)).as("%s at %d: %s, expected %s", path, now,
					backend.read(path), expected).isTrue();
			long left = model.dueAlong(path) - now;
			Duration ttl = expiring.timeToLive(path);
			if (model.dueAlong(path) == Long.MAX_VALUE || left <= 0 || expected == null) {
				assertThat(ttl).as("time to live of %s", path).isNull();
			}
			else {
				assertThat(ttl).as("time to live of %s", path).isEqualTo(Duration.ofNanos(Math.max(left, 1_000_000)));
			}
		}
		assertThat(StateValues.equal(backend.root(), model.visible(StatePath.ROOT, now))).isTrue();
	}

	@Test
	void rewritingTheSameKeysForeverKeepsTheHintsBounded() {
		long[] clock = { 0 };
		InMemoryBackend backend = new InMemoryBackend(() -> clock[0]);
		for (int round = 0; round < 1_000; round++) {
			for (int i = 0; i < 20; i++) {
				backend.commit(request(List.of(new Write(StatePath.of("/k/" + i), round, null,
						Lifetime.ttl(Duration.ofSeconds(1 + (round + i) % 7))))));
			}
			// new paths too, deleted again: their hints go at a tidy
			backend.commit(request(List.of(new Write(StatePath.of("/s/" + round), round, null,
					Lifetime.ttl(Duration.ofSeconds(5))))));
			backend.commit(request(List.of(new Write(StatePath.of("/s/" + round), null, null, null))));
			clock[0] += 1_000;
		}
		// 20,000 rewrites and 1,000 new paths: without the bound the hints would number 1,000 or more
		assertThat(backend.hintedPaths()).isLessThanOrEqualTo(150);
		assertThat(backend.expiringEntries().lifetimes()).hasSize(20);
	}

	@Test
	void aBranchReadWithDueTimesAndWrittenElsewhereIsPermanentThere() {
		long[] clock = { 0 };
		InMemoryBackend backend = new InMemoryBackend(() -> clock[0]);
		backend.commit(request(List.of(new Write(StatePath.of("/a/x"), 1, null, Lifetime.ttl(Duration.ofNanos(10))))));
		Object copy = backend.read(StatePath.of("/a"));
		backend.commit(request(List.of(new Write(StatePath.of("/b"), copy, null, null))));
		clock[0] += 20;
		assertThat(backend.read(StatePath.of("/a/x"))).isNull();
		assertThat(backend.read(StatePath.of("/b/x"))).isEqualTo(1);
		assertThat(backend.expiringEntries().due()).containsExactly(StatePath.of("/a/x"));
		assertThat(backend.expiringEntries().timeToLive(StatePath.of("/b/x"))).isNull();
	}

}
