package io.statetree.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random commits (leaves, branches, arrays, deletes, writes below leaves, preconditions, several
 * writes per commit) applied to a {@link RedisBackend} and to the reference
 * {@link InMemoryBackend}: the outcome (success, refusal, precondition failure), the changes and
 * the whole tree must match after every commit.
 */
@ExtendWith(RedisTestServer.class)
class RedisModelComparisonTest {

	private static final String[] SEGMENTS = { "a", "b", "c", "0" };

	@Test
	void randomCommitsMatchTheReferenceBackend(RedisTestServer redis) {
		for (long seed = 1; seed <= 6; seed++) {
			run(redis, seed);
		}
	}

	private void run(RedisTestServer redis, long seed) {
		Random random = new Random(seed);
		InMemoryBackend reference = new InMemoryBackend();
		try (RedisBackend backend = RedisBackend.builder(redis.newConnectionFactory())
			.namespace(redis.newNamespace())
			.build()) {
			for (int step = 0; step < 150; step++) {
				List<Write> writes = new ArrayList<>();
				int count = 1 + random.nextInt(4);
				for (int i = 0; i < count; i++) {
					writes.add(new Write(path(random), value(random, 2), random.nextInt(5) == 0 ? "p" + i : null));
				}
				List<Precondition> preconditions = new ArrayList<>();
				if (random.nextInt(4) == 0) {
					StatePath path = path(random);
					Object expected = random.nextBoolean() ? reference.read(path) : value(random, 1);
					preconditions.add(new Precondition(path, expected));
				}
				CommitRequest request = new CommitRequest(writes, preconditions, "model");
				String context = "seed " + seed + " step " + step + " " + describe(request);
				Object expected = outcome(() -> reference.commit(request));
				Object actual = outcome(() -> backend.commit(request));
				if (expected instanceof CommitResult e && actual instanceof CommitResult a) {
					assertSameChanges(a.changes(), e.changes(), context);
				}
				else {
					assertThat(actual).as(context).isEqualTo(expected);
				}
				Object expectedRoot = reference.read(StatePath.ROOT);
				Object actualRoot = backend.read(StatePath.ROOT);
				assertThat(StateValues.toJsonString(actualRoot)).as(context).isEqualTo(StateValues.toJsonString(expectedRoot));
			}
		}
	}

	private static Object outcome(java.util.function.Supplier<CommitResult> commit) {
		try {
			return commit.get();
		}
		catch (StateWriteException ex) {
			return "refused";
		}
		catch (PreconditionFailedException ex) {
			return "precondition failed at " + ex.getPath();
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
			assertThat(a.payload()).as(context).isEqualTo(e.payload());
		}
	}

	private static StatePath path(Random random) {
		int depth = random.nextInt(4);
		List<String> segments = new ArrayList<>();
		for (int i = 0; i < depth; i++) {
			segments.add(SEGMENTS[random.nextInt(SEGMENTS.length)]);
		}
		return StatePath.ofSegments(segments);
	}

	private static Object value(Random random, int depth) {
		int kind = random.nextInt(depth > 0 ? 7 : 4);
		return switch (kind) {
			case 0 -> null;
			case 1 -> random.nextInt(3);
			case 2 -> "s" + random.nextInt(3);
			case 3 -> List.of(random.nextInt(2), "x");
			default -> {
				Map<String, Object> map = new LinkedHashMap<>();
				int children = random.nextInt(3);
				for (int i = 0; i < children; i++) {
					Object child = value(random, depth - 1);
					if (child != null) {
						map.put(SEGMENTS[random.nextInt(SEGMENTS.length)], child);
					}
				}
				yield StateValues.branch(map);
			}
		};
	}

	private static String describe(CommitRequest request) {
		StringBuilder sb = new StringBuilder();
		for (Write write : request.writes()) {
			sb.append(write.path()).append('=').append(StateValues.toJsonString(write.value())).append(' ');
		}
		for (Precondition precondition : request.preconditions()) {
			sb.append("if ").append(precondition.path()).append("==")
				.append(StateValues.toJsonString(precondition.expected())).append(' ');
		}
		return sb.toString();
	}

}
