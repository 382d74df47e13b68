package io.statetree.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
 * Random sequences of one-write commits, the case {@code commitone.lua} takes without the general
 * path of {@code commit.lua} (a leaf at one path, no preconditions, no lifetimes), mixed with the
 * commits it leaves to the general path (branches, deletes), on a
 * {@link RedisBackend} and on the reference {@link InMemoryBackend}: after every commit the
 * outcome (result or refusal of a write below a leaf), the changes and the whole tree match; a
 * commit takes a revision exactly when it changed the tree (an equal value however spelled,
 * {@code 1.10} for {@code 1.1}, and a delete of nothing write nothing); and the change stream holds one entry per revision
 * taken, with its writer's actor, in order.
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

	/** One commit of the sequence: a write at a path, by an actor or none. */
	record Step(StatePath path, @Nullable Object value, @Nullable String actor) {

		@Override
		public String toString() {
			return this.path + "=" + StateValues.toJsonString(this.value) + (this.actor != null ? " by " + this.actor : "");
		}

	}

	@Property(tries = 120)
	void oneWriteCommitsMatchTheReferenceBackend(@ForAll("steps") List<Step> steps) {
		InMemoryBackend reference = new InMemoryBackend();
		String namespace = REDIS.newNamespace();
		List<Long> revisions = new ArrayList<>();
		List<String> actors = new ArrayList<>();
		try (RedisBackend backend = REDIS.backend(0, namespace)) {
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				Write write = Write.of(step.path(), step.value());
				CommitRequest request = new CommitRequest(List.of(write), List.of(), "leaf", step.actor(), 0);
				String context = "step " + i + " " + step;
				String treeBefore = StateValues.toJsonString(reference.read(StatePath.ROOT));
				Object expected = outcome(reference, request);
				String treeAfter = StateValues.toJsonString(reference.read(StatePath.ROOT));
				Object actual = outcome(backend, request);
				if (expected instanceof CommitResult e && actual instanceof CommitResult a) {
					assertSameChanges(a.changes(), e.changes(), context);
					assertThat(a.revision() != 0).as(context + ": took a revision").isEqualTo(!treeAfter.equals(treeBefore));
					if (a.revision() != 0) {
						revisions.add(a.revision());
						actors.add(step.actor());
					}
				}
				else {
					assertThat(actual).as(context).isEqualTo(expected);
				}
				assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).as(context)
					.isEqualTo(StateValues.toJsonString(reference.read(StatePath.ROOT)));
			}
			List<Commit> history = backend.history().after(0, steps.size() + 1);
			assertThat(history).extracting(Commit::revision).as("one stream entry per revision taken").isEqualTo(revisions);
			assertThat(history).extracting(Commit::actor).isEqualTo(actors);
		}
	}

	private static Object outcome(io.statetree.core.backend.StateBackend backend, CommitRequest request) {
		try {
			return backend.commit(request);
		}
		catch (StateWriteException ex) {
			return "refused";
		}
	}

	private static void assertSameChanges(List<Change> actual, List<Change> expected, String context) {
		assertThat(actual).as(context).hasSameSizeAs(expected);
		for (int i = 0; i < actual.size(); i++) {
			Change a = actual.get(i);
			Change e = expected.get(i);
			assertThat(a.path()).as(context).isEqualTo(e.path());
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
						new BigDecimal("-0.0"), 10L, 1, "1", "x", true, List.of(1, "x"), List.of(new BigDecimal("1.0"), "x")));
		List<Map<String, Object>> maps = List.of(Map.of("a", 1), Map.of(), Map.of("b", Map.of("a", "x")));
		Arbitrary<Object> branches = Arbitraries.of(maps).map(map -> (Object) StateValues.branch(map));
		Arbitrary<@Nullable Object> values = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(8, leaves.map(v -> (@Nullable Object) v)),
				net.jqwik.api.Tuple.of(1, branches.map(v -> (@Nullable Object) v)),
				net.jqwik.api.Tuple.of(1, Arbitraries.just((@Nullable Object) null)));
		Arbitrary<@Nullable String> actors = Arbitraries.of("alice", "bob").injectNull(0.5);
		return Combinators.combine(paths, values, actors).as(Step::new).list().ofMinSize(1).ofMaxSize(40);
	}

}
