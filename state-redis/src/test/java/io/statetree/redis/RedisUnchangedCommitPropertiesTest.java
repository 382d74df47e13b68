package io.statetree.redis;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A commit whose writes, taken together, leave every value as it was takes no revision and
 * appends no change stream entry, and the stored bytes and child order stay exactly as they were
 * (issue 19's three-instance test found revisions without a change: a batch setting {@code /a/b}
 * to 1 then 2, sent while another instance had just set it to 2; the history then skipped that
 * revision). Each commit is also applied to an {@link InMemoryBackend} holding the same tree, the
 * reference for the outcome.
 */
class RedisUnchangedCommitPropertiesTest {

	private static final List<String> PATHS = List.of("/a", "/a/b", "/a/c", "/a/b/d", "/e");

	private static final RedisTestFixture REDIS = new RedisTestFixture("unchanged");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	private static RedisBackend newBackend() {
		return REDIS.newBackend();
	}

	/** The input: {@code /a/b} set to 1 then 2 in one commit while it holds 2. */
	@Example
	void aPathSetTwiceBackToItsValueTakesNoRevision() {
		try (RedisBackend backend = newBackend()) {
			backend.commit(request(Write.of(p("/a/b"), 2)));
			long revision = backend.revision();
			CommitResult result = backend.commit(request(Write.of(p("/a/b"), 1), Write.of(p("/a/b"), 2)));
			assertThat(result.revision()).as("no revision taken").isZero();
			assertThat(StateValues.unchanged(result.changes())).isTrue();
			assertThat(backend.revision()).isEqualTo(revision);
			assertThat(backend.history().after(revision, 10)).isEmpty();
			assertThat(backend.read(p("/a/b"))).isEqualTo(2);
			// the next commit takes the next revision, and the history has no gap
			backend.commit(request(Write.of(p("/a/b"), 3)));
			assertThat(backend.history().after(0, 10)).extracting(c -> c.revision()).containsExactly(1L, 2L);
		}
	}

	/** A write below a leaf taken back by a delete changes nothing, and is still refused (the files once took it). */
	@Example
	void aWriteBelowALeafTakenBackIsStillRefused() {
		try (RedisBackend backend = newBackend()) {
			backend.commit(request(Write.of(p("/a"), v(List.of(6, "x")))));
			long revision = backend.revision();
			Throwable refused = catchThrowable(() -> backend.commit(
					request(Write.of(p("/a/b/x y"), v(Map.of("b", 901))), Write.of(p("/a/b"), null))));
			assertThat(refused).isInstanceOf(io.statetree.core.StateWriteException.class)
				.hasMessageContaining("/a holds a leaf");
			assertThat(backend.revision()).isEqualTo(revision);
			assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).isEqualTo("{\"a\":[6,\"x\"]}");
		}
	}

	@Example
	void anEqualDecimalWrittenBackKeepsItsStoredDigits() {
		try (RedisBackend backend = newBackend()) {
			backend.commit(request(Write.of(p("/n"), v(new BigDecimal("1.10")))));
			long revision = backend.revision();
			CommitResult result = backend
				.commit(request(Write.of(p("/n"), 2), Write.of(p("/n"), v(new BigDecimal("1.1")))));
			assertThat(result.revision()).isZero();
			assertThat(backend.revision()).isEqualTo(revision);
			assertThat(StateValues.toJsonString(backend.read(p("/n")))).isEqualTo("1.10");
		}
	}

	@Example
	void aBranchDeletedAndWrittenBackKeepsItsChildOrder() {
		try (RedisBackend backend = newBackend()) {
			Map<String, Object> zb = new LinkedHashMap<>();
			zb.put("z", 0);
			zb.put("b", 1);
			backend.commit(request(Write.of(p("/c"), v(zb))));
			long revision = backend.revision();
			Map<String, Object> bz = new LinkedHashMap<>();
			bz.put("b", 1);
			bz.put("z", 0);
			CommitResult result = backend.commit(request(Write.of(p("/c"), null), Write.of(p("/c"), v(bz))));
			assertThat(result.revision()).isZero();
			assertThat(backend.revision()).isEqualTo(revision);
			assertThat(StateValues.toJsonString(backend.read(p("/c")))).isEqualTo("{\"z\":0,\"b\":1}");
		}
	}

	/**
	 * A CI run's input (the property below, seed -6710866762828517716): {@code /a} deleted and
	 * {@code /a/b} written back as it was changes no value, so {@code /a} keeps its place before
	 * {@code /e} (Redis attached it again last: {@code {"e":0,"a":{"b":1.0}}}), as on every backend.
	 */
	@Example
	void aBranchDeletedAndWrittenBackBelowKeepsItsPlaceAmongItsSiblings() {
		try (RedisBackend backend = newBackend()) {
			backend.commit(request(Write.of(p("/a/b"), v(new BigDecimal("1.0"))), Write.of(p("/e"), 0)));
			long revision = backend.revision();
			CommitResult result = backend
				.commit(request(Write.of(p("/a"), null), Write.of(p("/a/b"), v(new BigDecimal("1.0")))));
			assertThat(result.revision()).isZero();
			assertThat(backend.revision()).isEqualTo(revision);
			assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).isEqualTo("{\"a\":{\"b\":1.0},\"e\":0}");
			assertThat(backend.childNames(StatePath.ROOT)).containsExactly("a", "e");
			// and a later write below it finds it there
			backend.commit(request(Write.of(p("/a/c"), 1)));
			assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).isEqualTo("{\"a\":{\"b\":1.0,\"c\":1},\"e\":0}");
		}
	}

	@Provide
	Arbitrary<List<Write>> writes() {
		Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.integers().between(0, 2).map(i -> (Object) i),
				Arbitraries.of(new BigDecimal("1.10"), new BigDecimal("1.1"), new BigDecimal("1.0")));
		Arbitrary<Object> branch = Arbitraries.maps(Arbitraries.of("b", "c", "d"), leaf)
			.ofMinSize(1)
			.ofMaxSize(2)
			.map(m -> (Object) new LinkedHashMap<>(m));
		Arbitrary<Object> value = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, leaf),
				net.jqwik.api.Tuple.of(2, branch), net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
		return Combinators.combine(Arbitraries.of(PATHS), value)
			.as((path, v) -> Write.of(p(path), v(v)))
			.list()
			.ofMinSize(1)
			.ofMaxSize(4);
	}

	/**
	 * A random tree, then random (mostly overlapping) writes in one commit: the outcome matches the
	 * reference; when no value changed the revision, the stream and the stored JSON (digits and key
	 * order) are as before; otherwise exactly one revision was taken and the history holds it with a
	 * real change.
	 */
	@Property(tries = 200)
	void aCommitThatChangesNoValueTakesNoRevisionAndLeavesTheBytes(@ForAll("writes") List<Write> base,
			@ForAll("writes") List<Write> writes) {
		InMemoryBackend reference = new InMemoryBackend();
		try (RedisBackend backend = newBackend()) {
			try {
				reference.commit(new CommitRequest(base, List.of(), "t"));
			}
			catch (RuntimeException refused) {
				return;
			}
			backend.commit(new CommitRequest(base, List.of(), "t"));
			long revision = backend.revision();
			String jsonBefore = StateValues.toJsonString(backend.read(StatePath.ROOT));
			Object before = reference.read(StatePath.ROOT);
			CommitRequest request = new CommitRequest(writes, List.of(), "t");
			Throwable expected = catchThrowable(() -> reference.commit(request));
			Throwable actual = catchThrowable(() -> backend.commit(request));
			if (expected != null) {
				assertThat(actual).as("refused as the reference refuses").isInstanceOf(expected.getClass());
				assertThat(backend.revision()).isEqualTo(revision);
				assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).isEqualTo(jsonBefore);
				return;
			}
			assertThat(actual).isNull();
			Object after = reference.read(StatePath.ROOT);
			assertThat(StateValues.equal(backend.read(StatePath.ROOT), after)).as("tree %s matches the reference %s",
					StateValues.toJsonString(backend.read(StatePath.ROOT)), StateValues.toJsonString(after))
				.isTrue();
			if (StateValues.equal(before, after)) {
				assertThat(backend.revision()).as("no value changed: no revision").isEqualTo(revision);
				assertThat(StateValues.toJsonString(backend.read(StatePath.ROOT))).as("stored JSON as before")
					.isEqualTo(jsonBefore);
				assertThat(backend.history().after(revision, 10)).isEmpty();
			}
			else {
				assertThat(backend.revision()).isEqualTo(revision + 1);
				List<Long> revisions = new ArrayList<>();
				backend.history().after(0, 10).forEach(c -> revisions.add(c.revision()));
				assertThat(revisions).as("the history holds every revision").endsWith(revision + 1);
				assertThat(revisions).hasSize((int) revision + 1);
			}
		}
	}

	private static CommitRequest request(Write... writes) {
		return new CommitRequest(List.of(writes), List.of(), "t");
	}

	private static @Nullable Object v(@Nullable Object javaValue) {
		return StateValues.fromJava(javaValue, value -> {
			throw new IllegalArgumentException("not plain: " + value);
		});
	}

	private static StatePath p(String path) {
		return StatePath.of(path);
	}

}
