package io.statetree.core;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StatePathTest {

	private static void assertRejected(String input, String... reasonParts) {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of(input))
			.satisfies((ex) -> {
				assertThat(ex.getInput()).isEqualTo(input);
				for (String part : reasonParts) {
					assertThat(ex.getReason()).contains(part);
				}
				assertThat(ex.getMessage()).startsWith("Invalid path '").contains(ex.getReason());
			});
	}

	@Test
	void rejectsEmptySegments() {
		assertRejected("/users//name", "empty segment at position 2");
		assertRejected("//a", "empty segment at position 1");
		assertRejected("/a//", "empty segment at position 2");
	}

	@Test
	void rejectsRelativeReferences() {
		assertRejected("/a/./b", "segment '.'", "relative reference");
		assertRejected("/a/../b", "segment '..'", "relative reference");
		assertRejected(".", "relative reference");
		assertThat(StatePath.of("/a/.../b").segments()).containsExactly("a", "...", "b");
		assertThat(StatePath.of("/.hidden").name()).isEqualTo(".hidden");
	}

	@Test
	void rejectsControlCharacters() {
		assertRejected("/a/b\u0000c", "control character", "U+0000");
		assertRejected("/a/tab\there", "control character", "U+0009");
		assertRejected("/a/nl\n", "control character", "U+000A");
		assertRejected("/a/del\u007f", "control character", "U+007F");
		assertRejected("/a/c1\u0085", "control character", "U+0085");
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of("/a\u0001"))
			.withMessageContaining("\\u0001");
	}

	@Test
	void rejectsPatternTokens() {
		assertRejected("/users/*", "segment '*'", "pattern token");
		assertRejected("/users/**/x", "segment '**'", "pattern token");
		assertRejected("/users/{id}", "segment '{id}'", "pattern variable");
		assertRejected("/users/{}", "pattern variable");
	}

	@Test
	void acceptsCharactersThatOnlyLookLikeTokensInsideSegments() {
		assertThat(StatePath.of("/user-*/a{b}/***").segments()).containsExactly("user-*", "a{b}", "***");
		assertThat(StatePath.of("/{").name()).isEqualTo("{");
	}

	@Test
	void rejectsMoreThan128Segments() {
		String ok = "/s".repeat(128);
		assertThat(StatePath.of(ok).depth()).isEqualTo(128);
		assertRejected(ok + "/t", "more than 128 segments");
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of(ok).child("t"))
			.withMessageContaining("more than 128 segments");
		assertThatExceptionOfType(InvalidPathException.class)
			.isThrownBy(() -> StatePath.ofSegments(java.util.Collections.nCopies(129, "s")))
			.withMessageContaining("more than 128 segments");
	}

	@Test
	void limitsSegmentsTo255Utf8BytesNotChars() {
		assertThat(StatePath.of("/" + "a".repeat(255)).name()).hasSize(255);
		assertRejected("/" + "a".repeat(256), "256 UTF-8 bytes", "at most 255");
		// 85 three-byte chars = 255 bytes: allowed although far fewer than 255 chars
		assertThat(StatePath.of("/" + "\u20ac".repeat(85)).depth()).isEqualTo(1);
		assertRejected("/x/" + "\u20ac".repeat(86), "258 UTF-8 bytes");
		// 128 two-byte chars = 256 bytes in 128 chars
		assertRejected("/" + "\u00e9".repeat(128), "256 UTF-8 bytes");
		// a supplementary char is 2 chars and 4 UTF-8 bytes: 64 of them = 256 bytes, 128 chars
		assertRejected("/" + "\uD83D\uDE00".repeat(64), "256 UTF-8 bytes");
		assertThat(StatePath.of("/" + "\uD83D\uDE00".repeat(63)).depth()).isEqualTo(1);
	}

	@Test
	void rejectsNull() {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of(null))
			.withMessageContaining("null");
	}

	@ParameterizedTest
	@ValueSource(strings = { "users/1", "/users/1", "/users/1/", "users/1/" })
	void leadingAndTrailingSlashesAreOptional(String input) {
		StatePath path = StatePath.of(input);
		assertThat(path).isEqualTo(StatePath.of("/users/1")).hasSameHashCodeAs(StatePath.of("/users/1"));
		assertThat(path).hasToString("/users/1");
		assertThat(path.segments()).containsExactly("users", "1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "//" })
	void rootForms(String input) {
		StatePath root = StatePath.of(input);
		assertThat(root).isSameAs(StatePath.ROOT);
		assertThat(root.isRoot()).isTrue();
		assertThat(root).hasToString("/");
		assertThat(root.depth()).isZero();
		assertThat(root.name()).isEmpty();
		assertThat(root.segments()).isEmpty();
		assertThat(root.parent()).isNull();
	}

	@Test
	void navigation() {
		StatePath path = StatePath.of("/users/1/name");
		assertThat(path.depth()).isEqualTo(3);
		assertThat(path.name()).isEqualTo("name");
		assertThat(path.segment(1)).isEqualTo("1");
		assertThat(path.parent()).isEqualTo(StatePath.of("/users/1"));
		assertThat(path.parent().parent().parent()).isEqualTo(StatePath.ROOT);
		assertThat(StatePath.of("/users").child("1").child("name")).isEqualTo(path);
		assertThat(StatePath.ROOT.child("users")).hasToString("/users");
		assertThat(path.prefix(0)).isEqualTo(StatePath.ROOT);
		assertThat(path.prefix(2)).isEqualTo(StatePath.of("/users/1"));
		assertThat(path.prefix(3)).isSameAs(path);
		assertThatIllegalArgumentException().isThrownBy(() -> path.prefix(4));
		assertThatIllegalArgumentException().isThrownBy(() -> path.prefix(-1));
		assertThat(StatePath.of("/users").resolve("1/name")).isEqualTo(path);
		assertThat(StatePath.ROOT.resolve(path)).isEqualTo(path);
		assertThat(path.resolve(StatePath.ROOT)).isEqualTo(path);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> path.segments().add("x"));
	}

	@Test
	void childValidatesItsSegment() {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of("/a").child("*"))
			.withMessageContaining("pattern token");
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of("/a").child("b/c"))
			.withMessageContaining("contains '/'");
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> StatePath.of("/a").child(""))
			.withMessageContaining("is empty");
	}

	@Test
	void ancestry() {
		StatePath users = StatePath.of("/users");
		StatePath user = StatePath.of("/users/1");
		StatePath name = StatePath.of("/users/1/name");
		assertThat(StatePath.ROOT.isAncestorOf(users)).isTrue();
		assertThat(users.isAncestorOf(name)).isTrue();
		assertThat(user.isAncestorOf(name)).isTrue();
		assertThat(name.isAncestorOf(name)).isFalse();
		assertThat(name.isAncestorOf(user)).isFalse();
		assertThat(StatePath.of("/user").isAncestorOf(user)).isFalse();
		assertThat(StatePath.of("/users/2").isAncestorOf(name)).isFalse();
		assertThat(StatePath.ROOT.isAncestorOf(StatePath.ROOT)).isFalse();
		assertThat(name.isAncestorOrSelf(name)).isTrue();
		assertThat(users.isAncestorOrSelf(name)).isTrue();
		assertThat(name.isAncestorOrSelf(users)).isFalse();
	}

	@Test
	void relativize() {
		StatePath users = StatePath.of("/users");
		StatePath name = StatePath.of("/users/1/name");
		assertThat(users.relativize(name)).isEqualTo(StatePath.of("1/name"));
		assertThat(name.relativize(name)).isEqualTo(StatePath.ROOT);
		assertThat(StatePath.ROOT.relativize(name)).isEqualTo(name);
		assertThat(users.resolve(users.relativize(name))).isEqualTo(name);
		assertThatIllegalArgumentException().isThrownBy(() -> name.relativize(users));
		assertThatIllegalArgumentException().isThrownBy(() -> StatePath.of("/groups").relativize(name));
	}

	@ParameterizedTest
	@CsvSource({ "/a, /b, -1", "/a, /a/b, -1", "/a/b, /a, 1", "/a/b, /a/b, 0", "/, /a, -1" })
	void ordering(String left, String right, int sign) {
		assertThat(Integer.signum(StatePath.of(left).compareTo(StatePath.of(right)))).isEqualTo(sign);
	}

	@Test
	void valueSemantics() {
		assertThat(StatePath.of("/a/b")).isEqualTo(StatePath.of("a/b")).isNotEqualTo(StatePath.of("/a/c"))
			.isNotEqualTo(StatePath.of("/a")).isNotEqualTo("/a/b");
		assertThat(StatePath.ofSegments(List.of("a", "b"))).isEqualTo(StatePath.of("/a/b"));
		assertThat(StatePath.ofSegments(List.of())).isSameAs(StatePath.ROOT);
		assertThatExceptionOfType(InvalidPathException.class)
			.isThrownBy(() -> StatePath.ofSegments(List.of("a", "..")))
			.withMessageContaining("relative reference");
	}

	// --- properties ---

	@Provide
	Arbitrary<String> validSegment() {
		Arbitrary<String> any = Arbitraries.strings()
			.withCharRange(' ', '~')
			.withCharRange('\u00a0', '\u024f')
			.withCharRange('\u4e00', '\u4e2f')
			.excludeChars('/')
			.ofMinLength(1)
			.ofMaxLength(12);
		return Arbitraries.oneOf(any, Arbitraries.of("a", "users", "1", "x.y", "user-*", "a{b}", "...", "\u20ac"))
			.filter((s) -> StatePath.segmentProblem(s) == null);
	}

	@Provide
	Arbitrary<List<String>> validSegments() {
		return validSegment().list().ofMaxSize(10);
	}

	@Property(tries = 1000)
	void printThenParseRoundTrips(@ForAll("validSegments") List<String> segments) {
		StatePath path = StatePath.ofSegments(segments);
		assertThat(StatePath.of(path.toString())).isEqualTo(path);
		assertThat(path.segments()).isEqualTo(segments);
		assertThat(path.depth()).isEqualTo(segments.size());
	}

	@Property(tries = 1000)
	void parsingGivesTheCanonicalForm(@ForAll("validSegments") List<String> segments, @ForAll boolean leadingSlash,
			@ForAll boolean trailingSlash) {
		String joined = String.join("/", segments);
		String input = (leadingSlash ? "/" : "") + joined + (trailingSlash ? "/" : "");
		StatePath path = StatePath.of(input);
		assertThat(path.toString()).isEqualTo("/" + joined);
		assertThat(StatePath.of(path.toString())).isEqualTo(path);
		assertThat(path.segments()).isEqualTo(segments);
		if (!segments.isEmpty()) {
			assertThat(path.parent().child(path.name())).isEqualTo(path);
			assertThat(path.parent().isAncestorOf(path)).isTrue();
		}
	}

}
