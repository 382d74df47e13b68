package io.statetree.core.backend;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend SPI contract, run against every backend: subclasses supply {@link #newBackend()}.
 */
abstract class AbstractBackendContractTest {

	protected StateBackend backend;

	/**
	 * Creates a fresh, empty backend.
	 * @return the backend
	 */
	protected abstract StateBackend newBackend();

	@BeforeEach
	void open() {
		this.backend = newBackend();
	}

	@AfterEach
	void close() {
		this.backend.close();
	}

	static @Nullable Object json(String text) {
		return Serializer.json().read(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
	}

	static StatePath p(String path) {
		return StatePath.of(path);
	}

	CommitResult commit(Write... writes) {
		return this.backend.commit(new CommitRequest(Arrays.asList(writes), List.of(), "test"));
	}

	static Write w(String path, @Nullable Object value) {
		return Write.of(StatePath.of(path), value);
	}

	@Nullable Object read(String path) {
		return this.backend.read(StatePath.of(path));
	}

	@Test
	void childNamesAgreeWithReadsAfterRandomCommits() {
		long seed = System.nanoTime();
		java.util.Random random = new java.util.Random(seed);
		String[] segments = { "a", "b", "k", "m", "persistent", "x" };
		for (int round = 0; round < 40; round++) {
			List<Write> writes = new ArrayList<>();
			for (int i = 1 + random.nextInt(2); i > 0; i--) {
				StatePath path = StatePath.ROOT;
				for (int d = 1 + random.nextInt(3); d > 0; d--) {
					path = path.child(segments[random.nextInt(segments.length)]);
				}
				Object value = switch (random.nextInt(5)) {
					case 0 -> null;
					case 1 -> random.nextInt(5);
					case 2 -> List.of(1, "x");
					default -> json("{'" + segments[random.nextInt(segments.length)] + "':1,'z':{'y':2}}");
				};
				writes.add(Write.of(path, value));
			}
			try {
				this.backend.commit(new CommitRequest(writes, List.of(), "test"));
			}
			catch (StateWriteException | io.statetree.core.StateStorageException ex) {
				// a write below a leaf (a hybrid may have written the other mounts' parts): the
				// listing must agree with whatever is there now
			}
			checkChildNames(StatePath.ROOT, read("/"), "seed " + seed + ", round " + round);
			assertThat(this.backend.childNames(p("/absent/path"))).isEmpty();
		}
	}

	private void checkChildNames(StatePath path, @Nullable Object value, String context) {
		List<String> expected = (value instanceof Map<?, ?> map) ? map.keySet().stream().map(String.class::cast).toList()
				: List.of();
		assertThat(this.backend.childNames(path)).as(context + ": children of " + path).isEqualTo(expected);
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				checkChildNames(path.child((String) entry.getKey()), entry.getValue(), context);
			}
		}
	}

	@Test
	void anEmptyBackendReadsAnEmptyRootAndNullElsewhere() {
		assertThat(read("/")).isEqualTo(Map.of());
		assertThat(read("/a/b")).isNull();
		assertThat(this.backend.revision()).isZero();
	}

	@Test
	void leavesAndObjectsReadBackAsWritten() {
		commit(w("/config/theme", "dark"));
		commit(w("/users/1", json("{'name':'Ada','age':36,'tags':['x','y'],'admin':true,'score':1.5,'none':null}")));
		assertThat(read("/config/theme")).isEqualTo("dark");
		assertThat(read("/users/1/name")).isEqualTo("Ada");
		assertThat(read("/users/1/tags/1")).isEqualTo("y");
		assertThat(read("/users/1/tags/2")).isNull();
		assertThat(StateValues.equal(read("/users"), json("{'1':{'name':'Ada','age':36,'tags':['x','y'],'admin':true,'score':1.5}}")))
			.isTrue();
		assertThat(StateValues.equal(read("/"), json("{'config':{'theme':'dark'},'users':{'1':{'name':'Ada','age':36,"
				+ "'tags':['x','y'],'admin':true,'score':1.5}}}"))).isTrue();
	}

	@Test
	void numbersKeepTheirValues() {
		Object value = json("{'i':1,'l':12345678901,'big':123456789012345678901234567890,'d':0.1,'neg':-7,"
				+ "'list':[1,null,'s',[true]]}");
		commit(w("/n", value));
		assertThat(StateValues.equal(read("/n"), value)).isTrue();
		assertThat(read("/n/l")).isEqualTo(12345678901L);
		assertThat(read("/n/i")).isEqualTo(1);
	}

	@Test
	void numbersKeepTheirExactValueAndType() {
		Object value = json("{'exact':1.000000000000000001,'scaled':1.50,'d':0.1,'e':2.5E-7,'huge':1E+400,"
				+ "'list':[0.30000000000000004,1.000000000000000002]}");
		commit(w("/n", value));
		commit(w("/m", StateValues.branch(Map.of("decimal", new java.math.BigDecimal("1.5"),
				"whole", new java.math.BigDecimal("100"), "double", 1.5, "big", java.math.BigInteger.TEN.pow(30)))));
		assertThat(read("/n/exact")).isEqualTo(new java.math.BigDecimal("1.000000000000000001"));
		assertThat(read("/n/scaled")).isEqualTo(new java.math.BigDecimal("1.50"));
		assertThat(read("/n/d")).isEqualTo(0.1);
		assertThat(read("/n/e")).isEqualTo(2.5E-7);
		assertThat(read("/n/huge")).isEqualTo(new java.math.BigDecimal("1E+400"));
		assertThat(read("/n/list")).isEqualTo(java.util.List.of(0.30000000000000004,
				new java.math.BigDecimal("1.000000000000000002")));
		assertThat(read("/m/decimal")).isEqualTo(new java.math.BigDecimal("1.5"));
		assertThat(read("/m/whole")).isEqualTo(new java.math.BigDecimal("100"));
		assertThat(read("/m/double")).isEqualTo(1.5);
		assertThat(read("/m/big")).isEqualTo(java.math.BigInteger.TEN.pow(30));
		CommitResult second = commit(w("/n/exact", new java.math.BigDecimal("1.000000000000000002")));
		assertThat(StateValues.unchanged(second.changes())).isFalse();
		assertThat(read("/n/exact")).isEqualTo(new java.math.BigDecimal("1.000000000000000002"));
	}

	@Test
	void writesBelowAFileValueAndAboveABranchCombine() {
		commit(w("/a", json("{'x':1,'y':{'z':2}}")));
		commit(w("/a/y/w", 3));
		assertThat(StateValues.equal(read("/a"), json("{'x':1,'y':{'z':2,'w':3}}"))).isTrue();
		commit(w("/b/c/d", 1));
		commit(w("/b/c/e", 2));
		commit(w("/b", json("{'only':true}")));
		assertThat(StateValues.equal(read("/b"), json("{'only':true}"))).isTrue();
		assertThat(read("/b/c")).isNull();
	}

	@Test
	void aWriteBelowALeafFailsAndChangesNothing() {
		commit(w("/a", 5));
		commit(w("/list", json("[1,2]")));
		long revision = this.backend.revision();
		assertThatThrownBy(() -> commit(w("/ok", 1), w("/a/b", 2))).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/a");
		assertThatThrownBy(() -> commit(w("/list/0", 9))).isInstanceOf(StateWriteException.class);
		assertThat(read("/ok")).isNull();
		assertThat(read("/a")).isEqualTo(5);
		assertThat(this.backend.revision()).isEqualTo(revision);
	}

	@Test
	void deletesBelowALeafOrOfAbsentPathsAreNoOps() {
		commit(w("/a", 5));
		CommitResult result = commit(w("/a/b", null), w("/nothing/here", null));
		assertThat(read("/a")).isEqualTo(5);
		assertThat(result.changes()).extracting(Change::oldValue).containsExactly(null, null);
		assertThat(read("/nothing")).isNull();
	}

	/**
	 * An array is a leaf that index segments read into (DESIGN §2): a delete through one, or
	 * through a scalar, deletes an absent node (DESIGN §4), alone or beside a real change; its
	 * change keeps the value read there, and reads still reach into the unchanged leaf.
	 */
	@Test
	void deletesReachingIntoAnArrayOrAScalarReportNoChange() {
		// on the hybrid suite /k is a file mount and /m a memory mount
		for (String at : List.of("", "/k", "/m")) {
			commit(w(at + "/items", json("[1,{'x':{'y':2}}]")));
			commit(w(at + "/n", 5));
			for (String below : List.of("/items/0", "/items/0/x", "/items/1/x", "/items/1/x/y", "/items/9", "/n/a",
					"/n/a/b")) {
				CommitResult result = commit(w(at + below, null));
				assertThat(result.changes()).as(below).singleElement()
					.satisfies((change) -> assertThat(StateValues.equal(change.oldValue(), change.newValue())).isTrue());
			}
			CommitResult mixed = commit(w(at + "/other", 1), w(at + "/items/1/x", null), w(at + "/items/0", null),
					w(at + "/n/a", null));
			assertThat(mixed.changes()).extracting(Change::path)
				.containsExactly(p(at + "/other"), p(at + "/items/1/x"), p(at + "/items/0"), p(at + "/n/a"));
			assertThat(mixed.changes().get(0).newValue()).isEqualTo(1);
			for (Change change : mixed.changes().subList(1, 4)) {
				assertThat(StateValues.equal(change.oldValue(), change.newValue())).as(change.path().toString()).isTrue();
			}
			assertThat(StateValues.equal(mixed.changes().get(1).newValue(), json("{'y':2}"))).isTrue();
			assertThat(mixed.changes().get(2).newValue()).isEqualTo(1);
			assertThat(StateValues.equal(read(at + "/items"), json("[1,{'x':{'y':2}}]"))).isTrue();
			assertThat(read(at + "/items/0")).isEqualTo(1);
			assertThat(read(at + "/items/1/x/y")).isEqualTo(2);
			assertThat(read(at + "/n")).isEqualTo(5);
		}
	}

	@Test
	void theRootIsAlwaysABranch() {
		commit(w("/a", 1));
		assertThatThrownBy(() -> commit(w("/", 5))).isInstanceOf(StateWriteException.class);
		assertThatThrownBy(() -> commit(w("/", json("[1]")))).isInstanceOf(StateWriteException.class);
		assertThat(read("/a")).isEqualTo(1);
		commit(w("/", json("{'x':{'y':1},'z':2}")));
		assertThat(StateValues.equal(read("/"), json("{'x':{'y':1},'z':2}"))).isTrue();
		CommitResult result = commit(w("/", null));
		assertThat(read("/")).isEqualTo(Map.of());
		assertThat(result.changes().get(0).newValue()).isEqualTo(Map.of());
	}

	@Test
	void emptyBranchesRemainAfterTheirLastChildIsDeleted() {
		commit(w("/a/b", 1));
		commit(w("/a/b", null));
		assertThat(read("/a")).isEqualTo(Map.of());
		commit(w("/c", json("{'d':1}")));
		commit(w("/c/d", null));
		assertThat(read("/c")).isEqualTo(Map.of());
		commit(w("/e", json("{}")));
		assertThat(read("/e")).isEqualTo(Map.of());
	}

	@Test
	void childrenKeepInsertionOrder() {
		commit(w("/m/z", 1));
		commit(w("/m/a", 2));
		commit(w("/m/k", 3));
		commit(w("/m/a", null));
		commit(w("/m/a", 4));
		@SuppressWarnings("unchecked")
		Map<String, Object> m = (Map<String, Object>) read("/m");
		assertThat(m.keySet()).containsExactly("z", "k", "a");
	}

	@Test
	void changesHaveOneEntryPerPathWithValuesAroundTheWholeCommit() {
		commit(w("/a/x", 1));
		Write first = new Write(p("/a/x"), 2, "p1");
		Write second = new Write(p("/b"), 3, null);
		Write third = new Write(p("/a/x"), 4, "p2");
		Write fourth = new Write(p("/a"), json("{'x':5,'y':6}"), null);
		CommitResult result = this.backend.commit(new CommitRequest(List.of(first, second, third, fourth), List.of(), "o"));
		assertThat(result.changes()).hasSize(3);
		Change ax = result.changes().get(0);
		assertThat(ax.path()).isEqualTo(p("/a/x"));
		assertThat(ax.oldValue()).isEqualTo(1);
		assertThat(ax.newValue()).isEqualTo(5);
		assertThat(ax.payload()).isEqualTo("p2");
		assertThat(result.changes().get(1).path()).isEqualTo(p("/b"));
		assertThat(result.changes().get(1).oldValue()).isNull();
		assertThat(result.changes().get(1).newValue()).isEqualTo(3);
		Change a = result.changes().get(2);
		assertThat(StateValues.equal(a.oldValue(), json("{'x':1}"))).isTrue();
		assertThat(StateValues.equal(a.newValue(), json("{'x':5,'y':6}"))).isTrue();
	}

	@Test
	void revisionsIncreaseByOnePerCommit() {
		long start = this.backend.revision();
		CommitResult one = commit(w("/a", 1));
		CommitResult two = commit(w("/b", 1), w("/c", 2));
		assertThat(one.revision()).isEqualTo(start + 1);
		assertThat(two.revision()).isEqualTo(start + 2);
		assertThat(this.backend.revision()).isEqualTo(start + 2);
	}

	@Test
	void aFailedPreconditionWritesNothing() {
		commit(w("/counter", 1));
		long revision = this.backend.revision();
		assertThatThrownBy(() -> this.backend.commit(new CommitRequest(List.of(w("/counter", 3), w("/other", 1)),
				List.of(new Precondition(p("/counter"), 2)), "o")))
			.isInstanceOf(PreconditionFailedException.class);
		assertThat(read("/counter")).isEqualTo(1);
		assertThat(read("/other")).isNull();
		assertThat(this.backend.revision()).isEqualTo(revision);
		this.backend.commit(new CommitRequest(List.of(w("/counter", 2)), List.of(new Precondition(p("/counter"), 1L)), "o"));
		assertThat(read("/counter")).isEqualTo(2);
		this.backend.commit(new CommitRequest(List.of(w("/fresh", 1)), List.of(new Precondition(p("/fresh"), null)), "o"));
		assertThat(read("/fresh")).isEqualTo(1);
	}

	@Test
	void aPreconditionOnASubtreeFailsWhenAPathBelowItChanged() {
		commit(w("/tree", json("{'a': 1, 'b': {'c': 1}}")));
		Object seen = read("/tree");
		commit(w("/tree/b/c", 2));
		assertThatThrownBy(() -> this.backend.commit(new CommitRequest(List.of(w("/x", 1)),
				List.of(new Precondition(p("/tree"), seen)), "o")))
			.isInstanceOf(PreconditionFailedException.class);
		assertThat(read("/x")).isNull();
		this.backend.commit(new CommitRequest(List.of(w("/x", 1)), List.of(new Precondition(p("/tree"), read("/tree"))), "o"));
		assertThat(read("/x")).isEqualTo(1);
	}

	@Test
	void preconditionsWithoutWritesAreCheckedAndChangeNothing() {
		commit(w("/a", 1));
		long revision = this.backend.revision();
		CommitResult result = this.backend.commit(new CommitRequest(List.of(),
				List.of(new Precondition(p("/a"), 1), new Precondition(p("/absent"), null)), "o"));
		assertThat(result.changes()).isEmpty();
		assertThat(this.backend.revision()).isEqualTo(revision);
		assertThatThrownBy(() -> this.backend.commit(new CommitRequest(List.of(),
				List.of(new Precondition(p("/a"), 1), new Precondition(p("/absent"), 0)), "o")))
			.isInstanceOf(PreconditionFailedException.class);
		assertThat(this.backend.revision()).isEqualTo(revision);
		assertThat(read("/")).isEqualTo(Map.of("a", 1));
	}

	@Test
	void aPreconditionThatAnEmptySubtreeIsAbsentHolds() {
		// on the hybrid suite /k is an empty mount point
		this.backend.commit(new CommitRequest(List.of(w("/k/first", 1)), List.of(new Precondition(p("/k"), null)), "o"));
		assertThat(read("/k/first")).isEqualTo(1);
	}

	@Test
	void aFailedPreconditionOfACommitSpanningSeveralSubtreesWritesNothing() {
		// on the hybrid suite /k and /m are mount points: the commit spans three backends
		commit(w("/m/p", 1));
		long revision = this.backend.revision();
		assertThatThrownBy(() -> this.backend.commit(new CommitRequest(List.of(w("/z", 1), w("/k/x", 1), w("/m/y", 1)),
				List.of(new Precondition(p("/z"), null), new Precondition(p("/m/p"), 5)), "o")))
			.isInstanceOf(PreconditionFailedException.class);
		assertThat(read("/z")).isNull();
		assertThat(read("/k")).isNull();
		assertThat(read("/m")).isEqualTo(Map.of("p", 1));
		assertThat(this.backend.revision()).isEqualTo(revision);
		this.backend.commit(new CommitRequest(List.of(w("/z", 1), w("/k/x", 1), w("/m/y", 1)),
				List.of(new Precondition(p("/z"), null), new Precondition(p("/m/p"), 1), new Precondition(p("/k"), null)), "o"));
		assertThat(read("/")).isEqualTo(json("{'m': {'p': 1, 'y': 1}, 'z': 1, 'k': {'x': 1}}"));
	}

	@Test
	void segmentsThatAreHardForFileSystemsRoundTrip() {
		List<String> names = List.of("john.doe", "john.smith", "john", "a b", "100%", "%41", "CON", "con.txt", "nul",
				"café", "Ünïcödé", "日本", "emoji😀", "b.json", "b.yaml", ".hidden", "~tilde", "trailing.", "trailing ",
				"x:y", "q?", "star*x", "back\\slash", "pipe|", "<tag>", "\"quoted\"", "x".repeat(255), "é".repeat(127));
		for (int i = 0; i < names.size(); i++) {
			commit(Write.of(StatePath.ROOT.child("k").child(names.get(i)), i));
		}
		commit(Write.of(StatePath.ROOT.child("k").child("b"), json("{'inner':true}")));
		for (int i = 0; i < names.size(); i++) {
			assertThat(this.backend.read(StatePath.ROOT.child("k").child(names.get(i)))).as(names.get(i)).isEqualTo(i);
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> all = (Map<String, Object>) read("/k");
		assertThat(all).hasSize(names.size() + 1);
		for (String name : names) {
			assertThat(all).containsKey(name);
		}
		commit(Write.of(StatePath.ROOT.child("k").child("x".repeat(255)), null));
		assertThat(this.backend.read(StatePath.ROOT.child("k").child("x".repeat(255)))).isNull();
		assertThat((Map<?, ?>) read("/k")).hasSize(names.size());
	}

	@Test
	void concurrentCompareAndSetIncrementsCountExactly() throws Exception {
		commit(w("/count", 0));
		int threads = 4;
		int perThread = 40;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						while (true) {
							Object current = read("/count");
							int next = ((Number) current).intValue() + 1;
							try {
								this.backend.commit(new CommitRequest(List.of(w("/count", next)),
										List.of(new Precondition(p("/count"), current)), "t"));
								break;
							}
							catch (PreconditionFailedException ex) {
								// retry
							}
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(read("/count")).isEqualTo(threads * perThread);
	}

	@Test
	void describeNamesTheType() {
		assertThat(this.backend.describe()).containsKey("type");
	}

}
