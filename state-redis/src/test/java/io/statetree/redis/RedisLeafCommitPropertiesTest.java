package io.statetree.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Random sequences of one-write commits, the cases {@code commitleaf.lua} takes without the general
 * path of {@code commit.lua} (a leaf value or a delete at one path, with or without a time to live,
 * with or without a precondition at that path as {@code update} sends it), mixed with the commits
 * it leaves to the general path (branches, a lifetime kept), on a {@link RedisBackend} and on the
 * reference {@link InMemoryBackend}: after every commit the outcome (result, refusal of a write
 * below a leaf, failed precondition), the changes, the whole tree and which paths have a time to
 * live match; a commit takes a revision exactly when it changed the tree (an equal value however
 * spelled, {@code 1.10} for {@code 1.1}, and a delete of nothing write nothing); and the change
 * stream holds one entry per revision taken, with its writer's actor, in order.
 */
class RedisLeafCommitPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("leaf");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/** How a step writes: plainly, with a time to live, keeping the lifetime, or as an update. */
	enum Kind {

		PLAIN, TTL, KEEP, UPDATE, STALE_UPDATE

	}

	/** One commit of the sequence: a write at a path, by an actor or none. */
	record Step(StatePath path, @Nullable Object value, @Nullable String actor, Kind kind) {

		@Override
		public String toString() {
			return this.path + "=" + StateValues.toJsonString(this.value) + (this.actor != null ? " by " + this.actor : "")
					+ " " + this.kind;
		}

		Write write() {
			return switch (this.kind) {
				case TTL -> new Write(this.path, this.value, null, Lifetime.ttl(Duration.ofHours(1)));
				case KEEP -> new Write(this.path, this.value, null, Lifetime.KEEP);
				default -> Write.of(this.path, this.value);
			};
		}

		/** The precondition of an update: the value there now, or one it does not hold. */
		List<Precondition> preconditions(StateBackend reference) {
			if (this.kind == Kind.UPDATE) {
				return List.of(new Precondition(this.path, reference.read(this.path)));
			}
			if (this.kind == Kind.STALE_UPDATE) {
				return List.of(new Precondition(this.path, "stale"));
			}
			return List.of();
		}

	}

	@Property(tries = 120)
	void oneWriteCommitsMatchTheReferenceBackend(@ForAll("steps") List<Step> steps) {
		InMemoryBackend reference = new InMemoryBackend();
		String namespace = REDIS.newNamespace();
		List<Long> revisions = new ArrayList<>();
		List<String> actors = new ArrayList<>();
		boolean spellingsMayDiffer = false;
		try (RedisBackend backend = REDIS.backend(0, namespace)) {
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				CommitRequest request = new CommitRequest(List.of(step.write()), step.preconditions(reference), "leaf",
						step.actor(), 0);
				String context = "step " + i + " " + step;
				// A value equal to the one stored, written with a time to live, is stored again as
				// written by the in-memory backend but left as stored by Redis (1.10 stays 1.10 when
				// 1.1 is written): from then on the trees are compared as values
				spellingsMayDiffer |= step.kind() == Kind.TTL;
				Object treeBefore = reference.read(StatePath.ROOT);
				Object expected = outcome(reference, request);
				Object treeAfter = reference.read(StatePath.ROOT);
				Object actual = outcome(backend, request);
				if (expected instanceof CommitResult e && actual instanceof CommitResult a) {
					assertSameChanges(a.changes(), e.changes(), context, spellingsMayDiffer);
					assertThat(a.revision() != 0).as(context + ": took a revision")
						.isEqualTo(!StateValues.equal(treeAfter, treeBefore));
					if (a.revision() != 0) {
						revisions.add(a.revision());
						actors.add(step.actor());
					}
				}
				else {
					assertThat(actual).as(context).isEqualTo(expected);
				}
				if (spellingsMayDiffer) {
					assertThat(StateValues.equal(backend.read(StatePath.ROOT), reference.read(StatePath.ROOT)))
						.as(context + ": " + StateValues.toJsonString(backend.read(StatePath.ROOT)) + " equals "
								+ StateValues.toJsonString(reference.read(StatePath.ROOT)))
						.isTrue();
				}
				else {
					assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).as(context)
						.isEqualTo(StateValues.toJsonString(reference.read(StatePath.ROOT)));
				}
				assertThat(backend.expiringEntries().lifetimes().keySet()).as(context + ": paths with a lifetime")
					.isEqualTo(reference.expiringEntries().lifetimes().keySet());
			}
			List<Commit> history = backend.history().after(0, steps.size() + 1);
			assertThat(history).extracting(Commit::revision).as("one stream entry per revision taken").isEqualTo(revisions);
			assertThat(history).extracting(Commit::actor).isEqualTo(actors);
		}
	}

	private static Object outcome(StateBackend backend, CommitRequest request) {
		try {
			return backend.commit(request);
		}
		catch (StateWriteException ex) {
			return "refused";
		}
		catch (PreconditionFailedException ex) {
			return "precondition failed at " + ex.getPath();
		}
	}

	private static void assertSameChanges(List<Change> actual, List<Change> expected, String context,
			boolean asValues) {
		assertThat(actual).as(context).hasSameSizeAs(expected);
		for (int i = 0; i < actual.size(); i++) {
			Change a = actual.get(i);
			Change e = expected.get(i);
			assertThat(a.path()).as(context).isEqualTo(e.path());
			if (asValues) {
				assertThat(StateValues.equal(a.oldValue(), e.oldValue())).as(context + " old " + a.path()).isTrue();
				assertThat(StateValues.equal(a.newValue(), e.newValue())).as(context + " new " + a.path()).isTrue();
				continue;
			}
			assertThat(StateValues.toJsonString(a.oldValue())).as(context + " old " + a.path())
				.isEqualTo(StateValues.toJsonString(e.oldValue()));
			assertThat(StateValues.toJsonString(a.newValue())).as(context + " new " + a.path())
				.isEqualTo(StateValues.toJsonString(e.newValue()));
		}
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<StatePath> paths = Arbitraries.of("a", "b", "0")
			.list()
			.ofMinSize(1)
			.ofMaxSize(3)
			.map(StatePath::ofSegments);
		Arbitrary<Object> leaves = Arbitraries.oneOf(Arbitraries.integers().between(-2, 12).map(Object.class::cast),
				Arbitraries.of(new BigDecimal("1.10"), new BigDecimal("1.1"), new BigDecimal("10"), new BigDecimal("1E+1"),
						new BigDecimal("-0.0"), new BigDecimal("-2.50"), new BigDecimal("1E+2"), 100, 10L, 1, 0,
						Long.MAX_VALUE, "1", "x", "", "line\nbreak \"quoted\" \u00e9", true, false, List.of(),
						List.of(1, "x"), List.of(new BigDecimal("1.0"), "x"), List.of(List.of(1, 2), Map.of("k", 1)),
						List.of(Map.of("k", 1, "j", 2)), List.of(Map.of("j", 2, "k", new BigDecimal("1.0")))));
		List<Map<String, Object>> maps = List.of(Map.of("a", 1), Map.of(), Map.of("b", Map.of("a", "x")));
		Arbitrary<Object> branches = Arbitraries.of(maps).map(map -> (Object) StateValues.branch(map));
		Arbitrary<@Nullable Object> values = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(8, leaves.map(v -> (@Nullable Object) v)),
				net.jqwik.api.Tuple.of(1, branches.map(v -> (@Nullable Object) v)),
				net.jqwik.api.Tuple.of(2, Arbitraries.just((@Nullable Object) null)));
		Arbitrary<@Nullable String> actors = Arbitraries.of("alice", "bob").injectNull(0.5);
		Arbitrary<Kind> kinds = Arbitraries.frequency(net.jqwik.api.Tuple.of(6, Kind.PLAIN),
				net.jqwik.api.Tuple.of(2, Kind.TTL), net.jqwik.api.Tuple.of(1, Kind.KEEP),
				net.jqwik.api.Tuple.of(2, Kind.UPDATE), net.jqwik.api.Tuple.of(1, Kind.STALE_UPDATE));
		return Combinators.combine(paths, values, actors, kinds).as(Step::new).list().ofMinSize(1).ofMaxSize(40);
	}

}
