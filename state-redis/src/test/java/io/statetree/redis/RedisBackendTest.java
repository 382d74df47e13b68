package io.statetree.redis;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
import io.statetree.redis.test.CountingConnectionFactory;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis backend's storage behaviour, each write also applied to an {@link InMemoryBackend}
 * (the reference) where the outcome must match.
 */
@ExtendWith(RedisTestServer.class)
class RedisBackendTest {

	private LettuceConnectionFactory factory;

	private RedisBackend backend;

	private InMemoryBackend reference;

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.factory = redis.newConnectionFactory();
		this.backend = RedisBackend.builder(this.factory).namespace(redis.newNamespace()).build();
		this.reference = new InMemoryBackend();
	}

	@AfterEach
	void tearDown() {
		this.backend.close();
	}

	private static StatePath p(String path) {
		return StatePath.of(path);
	}

	private static Object v(Object javaValue) {
		return StateValues.fromJava(javaValue, value -> {
			throw new IllegalArgumentException("not plain: " + value);
		});
	}

	private static Map<String, Object> map(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	private CommitResult commit(Write... writes) {
		return commit(List.of(writes), List.of());
	}

	private CommitResult commit(List<Write> writes, List<Precondition> preconditions) {
		CommitRequest request = new CommitRequest(writes, preconditions, "test");
		CommitResult expected = this.reference.commit(request);
		CommitResult actual = this.backend.commit(request);
		assertSameChanges(actual.changes(), expected.changes());
		assertThat(StateValues.equal(this.backend.read(StatePath.ROOT), this.reference.read(StatePath.ROOT)))
			.as("Redis tree %s equals reference %s", StateValues.toJsonString(this.backend.read(StatePath.ROOT)),
					StateValues.toJsonString(this.reference.read(StatePath.ROOT)))
			.isTrue();
		return actual;
	}

	private static void assertSameChanges(List<Change> actual, List<Change> expected) {
		assertThat(actual).hasSameSizeAs(expected);
		for (int i = 0; i < actual.size(); i++) {
			Change a = actual.get(i);
			Change e = expected.get(i);
			assertThat(a.path()).isEqualTo(e.path());
			assertThat(StateValues.equal(a.oldValue(), e.oldValue())).as("old value of %s: %s vs %s", a.path(),
					a.oldValue(), e.oldValue()).isTrue();
			assertThat(StateValues.equal(a.newValue(), e.newValue())).as("new value of %s: %s vs %s", a.path(),
					a.newValue(), e.newValue()).isTrue();
			assertThat(a.payload()).isEqualTo(e.payload());
		}
	}

	@Test
	void deletesOnlyBelowALeafTakeNoRevisionAndNoFeedEntry() {
		commit(Write.of(p("/items"), v(List.of(1, Map.of("x", 2)))), Write.of(p("/n"), 5));
		long revision = this.backend.revision();
		CommitResult result = commit(Write.of(p("/items/0"), null), Write.of(p("/items/1/x"), null),
				Write.of(p("/n/a"), null));
		assertThat(StateValues.unchanged(result.changes())).isTrue();
		assertThat(result.revision()).isEqualTo(revision);
		assertThat(this.backend.revision()).isEqualTo(revision);
		// beside a real change the commit takes its revision and the deletes still change nothing
		CommitResult mixed = commit(Write.of(p("/items/0"), null), Write.of(p("/other"), 1));
		assertThat(mixed.revision()).isEqualTo(revision + 1);
		assertThat(this.backend.read(p("/items/0"))).isEqualTo(1);
	}

	@Test
	void emptyStoreReadsAnEmptyRootAndAbsentPaths() {
		assertThat(this.backend.read(StatePath.ROOT)).isEqualTo(Map.of());
		assertThat(this.backend.read(p("/a/b"))).isNull();
		assertThat(this.backend.revision()).isZero();
		assertThat(this.backend.isShared()).isTrue();
	}

	@Test
	void leavesAndBranchesRoundTripInInsertionOrder() {
		commit(Write.of(p("/users/2/name"), "Bob"), Write.of(p("/users/1/name"), "Ann"));
		commit(Write.of(p("/users/1/age"), 41), Write.of(p("/flags"), v(List.of(true, false))));
		Object users = this.backend.read(p("/users"));
		assertThat(StateValues.toJsonString(users)).isEqualTo("{\"2\":{\"name\":\"Bob\"},\"1\":{\"name\":\"Ann\",\"age\":41}}");
		assertThat(this.backend.read(p("/users/1/age"))).isEqualTo(41);
		assertThat(this.backend.read(p("/flags/1"))).isEqualTo(false);
		assertThat(this.backend.read(p("/flags/7"))).isNull();
		assertThat(this.backend.revision()).isEqualTo(2);
	}

	@Test
	void valuesKeepTheirJsonTypes() {
		Map<String, Object> value = map("s", "line\nbreak \"quoted\" \u00e9\u4e2d", "i", 7, "l", 1L << 40, "d", 0.5,
				"big", new BigDecimal("12345678901234567890.5"), "b", true, "list", List.of(1, "x", map("k", "v")),
				"empty", Map.of(), "emptyList", List.of());
		commit(Write.of(p("/v"), v(value)));
		Object read = this.backend.read(p("/v"));
		assertThat(StateValues.equal(read, v(value))).as("%s", read).isTrue();
		assertThat(this.backend.read(p("/v/empty"))).isEqualTo(Map.of());
		assertThat(this.backend.read(p("/v/list/2/k"))).isEqualTo("v");
	}

	@Test
	void replacingKeepsPositionAndDeletingThenWritingMovesToTheEnd() {
		commit(Write.of(p("/a"), 1), Write.of(p("/b"), 2), Write.of(p("/c"), 3));
		commit(Write.of(p("/a"), v(map("x", 1))));
		assertThat(StateValues.toJsonString(this.backend.read(StatePath.ROOT))).isEqualTo("{\"a\":{\"x\":1},\"b\":2,\"c\":3}");
		commit(Write.of(p("/a"), null));
		commit(Write.of(p("/a"), 4));
		assertThat(StateValues.toJsonString(this.backend.read(StatePath.ROOT))).isEqualTo("{\"b\":2,\"c\":3,\"a\":4}");
	}

	@Test
	void changesCarryValuesBeforeAndAfterTheWholeCommit() {
		commit(Write.of(p("/a/b"), 1));
		CommitResult result = commit(List.of(new Write(p("/a/b"), 2, "first"), Write.of(p("/a"), v(map("c", 3))),
				new Write(p("/a/b"), 5, "last"), Write.of(p("/x/y"), null)), List.of());
		assertThat(result.changes()).extracting(Change::path).containsExactly(p("/a/b"), p("/a"), p("/x/y"));
		assertThat(result.changes().get(0).oldValue()).isEqualTo(1);
		assertThat(result.changes().get(0).newValue()).isEqualTo(5);
		assertThat(result.changes().get(0).payload()).isEqualTo("last");
		assertThat(result.revision()).isEqualTo(2);
	}

	@Test
	void writeBelowALeafFailsNamingThePathAndChangesNothing() {
		commit(Write.of(p("/a"), "leaf"), Write.of(p("/keep"), 1));
		long revision = this.backend.revision();
		assertThatThrownBy(() -> this.backend
			.commit(new CommitRequest(List.of(Write.of(p("/keep"), 2), Write.of(p("/a/b/c"), 1)), List.of(), "t")))
			.isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/a/b/c")
			.hasMessageContaining("/a");
		assertThat(this.backend.read(p("/keep"))).isEqualTo(1);
		assertThat(this.backend.read(p("/a"))).isEqualTo("leaf");
		assertThat(this.backend.revision()).isEqualTo(revision);
	}

	@Test
	void writesInOneCommitSeeEachOther() {
		assertThatThrownBy(() -> this.backend.commit(
				new CommitRequest(List.of(Write.of(p("/a"), 1), Write.of(p("/a/b"), 2)), List.of(), "t")))
			.isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/a/b");
		assertThat(this.backend.read(p("/a"))).isNull();
		assertThatThrownBy(() -> this.backend.commit(new CommitRequest(
				List.of(Write.of(p("/a"), v(map("b", map("c", 1)))), Write.of(p("/a/b/c/d"), 2)), List.of(), "t")))
			.isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/a/b/c/d");
		commit(Write.of(p("/a"), v(map("b", map("c", 1)))), Write.of(p("/a/b/c"), null), Write.of(p("/a/b/c/d"), 2));
		commit(Write.of(p("/q"), 1), Write.of(p("/q"), null), Write.of(p("/q/r"), 2));
		commit(Write.of(p("/z"), v(map("y", 1))), Write.of(p("/z"), 5), Write.of(p("/z/y"), null));
	}

	@Test
	void deletesBelowALeafOrOfAbsentPathsAreNoOps() {
		commit(Write.of(p("/arr"), v(List.of(1, 2))), Write.of(p("/s"), "x"));
		CommitResult result = commit(Write.of(p("/arr/0"), null), Write.of(p("/s/t"), null), Write.of(p("/none"), null));
		assertThat(result.changes().get(0).oldValue()).isEqualTo(1);
		assertThat(result.changes().get(0).newValue()).isEqualTo(1);
		assertThat(this.backend.read(p("/arr"))).isEqualTo(List.of(1, 2));
	}

	@Test
	void emptyBranchesRemainAndDeletingTheRootEmptiesTheTree() {
		commit(Write.of(p("/a/b"), 1));
		commit(Write.of(p("/a/b"), null));
		assertThat(this.backend.read(p("/a"))).isEqualTo(Map.of());
		commit(Write.of(p("/c/d/e"), 1), Write.of(StatePath.ROOT, null), Write.of(p("/f"), 2));
		assertThat(this.backend.read(StatePath.ROOT)).isEqualTo(Map.of("f", 2));
		commit(Write.of(StatePath.ROOT, v(map("g", map("h", 1)))));
		assertThat(StateValues.toJsonString(this.backend.read(StatePath.ROOT))).isEqualTo("{\"g\":{\"h\":1}}");
		assertThatThrownBy(() -> this.backend.commit(new CommitRequest(List.of(Write.of(StatePath.ROOT, 1)), List.of(), "t")))
			.isInstanceOf(StateWriteException.class)
			.hasMessageContaining("root");
	}

	@Test
	void preconditionsCompareAsJson() {
		commit(Write.of(p("/n"), 1), Write.of(p("/m"), v(map("a", 1, "b", List.of(1.0)))));
		commit(List.of(Write.of(p("/n"), 2)), List.of(new Precondition(p("/n"), 1L)));
		commit(List.of(Write.of(p("/m/c"), 3)), List.of(new Precondition(p("/m"), v(map("b", List.of(1), "a", 1)))));
		commit(List.of(Write.of(p("/o"), 1)), List.of(new Precondition(p("/o"), null), new Precondition(p("/n/x"), null)));
		long revision = this.backend.revision();
		assertThatThrownBy(() -> this.backend.commit(
				new CommitRequest(List.of(Write.of(p("/n"), 9)), List.of(new Precondition(p("/n"), 1)), "t")))
			.isInstanceOf(PreconditionFailedException.class)
			.satisfies(ex -> assertThat(((PreconditionFailedException) ex).getPath()).isEqualTo(p("/n")));
		assertThat(this.backend.read(p("/n"))).isEqualTo(2);
		assertThat(this.backend.revision()).isEqualTo(revision);
	}

	@Test
	void largeValuesAreRefusedBeforeAnythingIsSent(RedisTestServer redis) {
		CountingConnectionFactory counting = new CountingConnectionFactory(this.factory);
		try (RedisBackend small = RedisBackend.builder(counting.factory())
			.namespace(redis.newNamespace())
			.maxValueBytes(100)
			.build()) {
			counting.reset();
			assertThatThrownBy(() -> small.commit(
					new CommitRequest(List.of(Write.of(p("/big"), "x".repeat(200))), List.of(), "t")))
				.isInstanceOf(StateWriteException.class)
				.hasMessageContaining("/big")
				.hasMessageContaining("100 bytes");
			assertThat(counting.commands()).isEmpty();
			small.commit(new CommitRequest(List.of(Write.of(p("/ok"), "x".repeat(90))), List.of(), "t"));
		}
	}

	@Test
	void everyCommitIsOneEvalshaAndEveryReadOne(RedisTestServer redis) {
		CountingConnectionFactory counting = new CountingConnectionFactory(this.factory);
		try (RedisBackend counted = RedisBackend.builder(counting.factory()).namespace(redis.newNamespace()).build()) {
			long evalshaBefore = commandCalls("evalsha");
			long evalBefore = commandCalls("eval");
			counting.reset();
			counted.commit(new CommitRequest(List.of(Write.of(p("/a"), 1)), List.of(), "t"));
			counted.commit(new CommitRequest(List.of(Write.of(p("/a"), null)), List.of(), "t"));
			counted.commit(new CommitRequest(List.of(Write.of(p("/a"), 2)), List.of(new Precondition(p("/a"), null)), "t"));
			List<Write> batch = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				batch.add(Write.of(p("/batch/" + i), i));
			}
			counted.commit(new CommitRequest(batch, List.of(), "t"));
			counted.read(p("/batch"));
			assertThat(counting.commands()).containsExactly("evalSha", "evalSha", "evalSha", "evalSha", "evalSha");
			assertThat(commandCalls("evalsha") - evalshaBefore).isEqualTo(5);
			assertThat(commandCalls("eval") - evalBefore).isZero();
		}
	}

	@Test
	void forgottenScriptsAreSentAgain() {
		commit(Write.of(p("/a"), 1));
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		commit(Write.of(p("/a"), 2));
		assertThat(this.backend.read(p("/a"))).isEqualTo(2);
	}

	@Test
	void namespacesAreSeparateAndKeysShareOneHashTag(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		try (RedisBackend other = RedisBackend.builder(this.factory).namespace(namespace).build()) {
			other.commit(new CommitRequest(List.of(Write.of(p("/only"), 1)), List.of(), "t"));
			assertThat(this.backend.read(p("/only"))).isNull();
			try (RedisConnection connection = this.factory.getConnection()) {
				assertThat(connection.keyCommands().keys(("*" + namespace + "*").getBytes()))
					.isNotEmpty()
					.allSatisfy(key -> assertThat(new String(key)).startsWith("{" + namespace + "}:"));
				assertThat(connection.hashCommands().hGet(("{" + namespace + "}:tree").getBytes(), "/only".getBytes()))
					.asString()
					.isEqualTo("1");
			}
		}
	}

	@Test
	void builderRejectsBadSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackend.builder(this.factory).namespace("a b"))
			.withMessageContaining("a b");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackend.builder(this.factory).feedRetention(0));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackend.builder(this.factory).maxValueBytes(0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackend.builder(this.factory).leaseTimeout(Duration.ofMillis(999)))
			.withMessageContaining("PT0.999S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBackend.builder(this.factory).leaseTimeout(Duration.ofDays(2)))
			.withMessageContaining("PT48H");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisBackend.builder(this.factory).leaseTimeout(null))
			.withMessageContaining("null");
		assertThat(this.backend.leaseTimeout()).isEqualTo(RedisBackend.DEFAULT_LEASE_TIMEOUT)
			.isEqualTo(Duration.ofSeconds(10));
		assertThat(this.backend.describe()).containsEntry("type", "redis").containsKey("connection");
	}

	private long commandCalls(String command) {
		try (RedisConnection connection = this.factory.getConnection()) {
			Properties stats = connection.serverCommands().info("commandstats");
			String line = stats.getProperty("cmdstat_" + command);
			if (line == null) {
				return 0;
			}
			for (String part : line.split(",")) {
				if (part.startsWith("calls=")) {
					return Long.parseLong(part.substring(6));
				}
			}
			return 0;
		}
	}

}
