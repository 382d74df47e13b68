package io.statetree.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random commits (leaves, branches, arrays, deletes, writes below leaves, preconditions, several
 * writes per commit) issued with {@link RedisBackend#commitAsync} all at once from one thread, so
 * many are in flight together, against the same commits applied one after another to the
 * reference {@link InMemoryBackend} and, synchronously, to a second Redis namespace: one
 * connection keeps the order, so each call's outcome (result with its changes, refusal,
 * precondition failure) and the final tree equal the reference's, each call's revision and the
 * final revision equal the sequential Redis commits', and each future completes exactly once.
 * <p>
 * Preconditions here are on children of the root and expect leaves or absence, whose stored form
 * is the one expected: a precondition equal to the stored value as JSON but stored differently
 * (a branch in another key order, an absent path below a leaf) is sent again after its first
 * reply, so commits issued after it may apply before it (README, Redis section).
 */
class RedisAsyncCommitPropertiesTest {

	private static final String[] SEGMENTS = { "a", "b", "c", "0" };

	private static final RedisTestFixture REDIS = new RedisTestFixture("async-commit");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<List<CommitRequest>> commits() {
		Arbitrary<Write> write = Combinators.combine(paths(), values(2)).as(Write::of);
		Arbitrary<List<Precondition>> preconditions = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(3, Arbitraries.just(List.of())),
				net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of(SEGMENTS).map((s) -> StatePath.ROOT.child(s)),
						values(0)).as((p, v) -> List.of(new Precondition(p, v)))));
		return Combinators.combine(write.list().ofMinSize(0).ofMaxSize(4), preconditions)
			.as((writes, conditions) -> new CommitRequest(writes, conditions, "model"))
			.list()
			.ofMinSize(1)
			.ofMaxSize(150);
	}

	private static Arbitrary<StatePath> paths() {
		return Arbitraries.of(SEGMENTS).list().ofMaxSize(3).map(StatePath::ofSegments);
	}

	private static Arbitrary<Object> values(int depth) {
		List<Arbitrary<?>> kinds = new ArrayList<>();
		kinds.add(Arbitraries.just(null));
		kinds.add(Arbitraries.integers().between(0, 2));
		kinds.add(Arbitraries.of("s0", "s1", "s2"));
		kinds.add(Arbitraries.integers().between(0, 1).map((n) -> List.of(n, "x")));
		if (depth > 0) {
			kinds.add(Combinators.combine(Arbitraries.of(SEGMENTS), values(depth - 1)).as(java.util.AbstractMap.SimpleEntry::new)
				.list()
				.ofMaxSize(2)
				.map((entries) -> {
					Map<String, Object> map = new LinkedHashMap<>();
					for (Map.Entry<String, Object> entry : entries) {
						if (entry.getValue() != null) {
							map.put(entry.getKey(), entry.getValue());
						}
					}
					return StateValues.branch(map);
				}));
		}
		return Arbitraries.oneOf(kinds).map((v) -> (Object) v);
	}

	@Property(tries = 60)
	void commitsInFlightTogetherEndAsTheSameCommitsOneAfterAnother(@ForAll("commits") List<CommitRequest> commits) {
		InMemoryBackend model = new InMemoryBackend();
		try (RedisBackend backend = REDIS.newBackend(); RedisBackend sequential = REDIS.newBackend()) {
			List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
			List<AtomicInteger> completions = new ArrayList<>();
			for (CommitRequest commit : commits) {
				AtomicInteger count = new AtomicInteger();
				CompletableFuture<CommitResult> future = backend.commitAsync(commit);
				future.whenComplete((result, failure) -> count.incrementAndGet());
				futures.add(future);
				completions.add(count);
			}
			for (int i = 0; i < commits.size(); i++) {
				CommitRequest commit = commits.get(i);
				Object expected = outcome(() -> sequential.commit(commit));
				outcome(() -> model.commit(commit));
				Object actual = outcome(futures.get(i)::join);
				assertThat(completions.get(i)).as("completions of commit %d", i).hasValue(1);
				assertThat(describe(actual)).as("commit %d: %s after %s", i, commit, commits.subList(Math.max(0, i - 3), i)).isEqualTo(describe(expected));
				assertThat(revision(actual)).as("revision of commit %d: %s", i, commit).isEqualTo(revision(expected));
			}
			assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT)))
				.isEqualTo(StateValues.toJsonString(model.read(StatePath.ROOT)));
			assertThat(backend.revision()).isEqualTo(sequential.revision());
		}
	}

	private static Object revision(Object outcome) {
		return (outcome instanceof CommitResult result) ? result.revision() : outcome;
	}

	private static Object outcome(java.util.function.Supplier<CommitResult> commit) {
		try {
			return commit.get();
		}
		catch (CompletionException ex) {
			return outcome(() -> {
				if (ex.getCause() instanceof RuntimeException cause) {
					throw cause;
				}
				throw ex;
			});
		}
		catch (StateWriteException ex) {
			return "refused";
		}
		catch (PreconditionFailedException ex) {
			return "precondition failed at " + ex.getPath();
		}
	}

	/** An outcome as text: each change's path, values as JSON and payload. */
	private static String describe(@Nullable Object outcome) {
		if (!(outcome instanceof CommitResult result)) {
			return String.valueOf(outcome);
		}
		StringBuilder text = new StringBuilder("applied");
		for (Change change : result.changes()) {
			text.append("; ")
				.append(change.path())
				.append(' ')
				.append(StateValues.toJsonString(change.oldValue()))
				.append(" -> ")
				.append(StateValues.toJsonString(change.newValue()))
				.append(' ')
				.append(change.payload());
		}
		return text.toString();
	}

}
