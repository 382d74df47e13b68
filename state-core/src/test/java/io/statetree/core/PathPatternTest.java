package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PathPatternTest {

	private static boolean matches(String pattern, String path) {
		return PathPattern.compile(pattern).matches(StatePath.of(path));
	}

	@Test
	void singleStarMatchesExactlyOneSegment() {
		assertThat(matches("/users/*", "/users/1")).isTrue();
		assertThat(matches("/users/*", "/users/bob")).isTrue();
		assertThat(matches("/users/*", "/users")).isFalse();
		assertThat(matches("/users/*", "/users/1/name")).isFalse();
		assertThat(matches("/users/*", "/groups/1")).isFalse();
		assertThat(matches("/*/name", "/users/name")).isTrue();
		assertThat(matches("/*", "/")).isFalse();
	}

	@Test
	void doubleStarMatchesZeroOrMoreSegments() {
		assertThat(matches("/users/**", "/users")).isTrue();
		assertThat(matches("/users/**", "/users/1")).isTrue();
		assertThat(matches("/users/**", "/users/1/name/first")).isTrue();
		assertThat(matches("/users/**", "/groups/1")).isFalse();
		assertThat(matches("/users/**", "/")).isFalse();
		assertThat(matches("/**", "/")).isTrue();
		assertThat(matches("/**", "/a/b/c")).isTrue();
		assertThat(matches("/a/**/b", "/a/b")).isTrue();
		assertThat(matches("/a/**/b", "/a/x/b")).isTrue();
		assertThat(matches("/a/**/b", "/a/x/y/b")).isTrue();
		assertThat(matches("/a/**/b", "/a/x/y")).isFalse();
		assertThat(matches("/a/**/b", "/a/b/c")).isFalse();
		assertThat(matches("/**/b/**", "/a/b")).isTrue();
		assertThat(matches("/**/b/**", "/a/c")).isFalse();
	}

	@Test
	void literalPatternMatchesOnlyItself() {
		PathPattern pattern = PathPattern.compile("users/1/");
		assertThat(pattern.matches(StatePath.of("/users/1"))).isTrue();
		assertThat(pattern.matches(StatePath.of("/users/2"))).isFalse();
		assertThat(pattern.matches(StatePath.of("/users/1/name"))).isFalse();
		assertThat(pattern.matches(StatePath.of("/users"))).isFalse();
		assertThat(pattern.isConcrete()).isTrue();
		assertThat(pattern.toPath()).isEqualTo(StatePath.of("/users/1"));
		assertThat(pattern.match(StatePath.of("/users/1"))).isEmpty();
		assertThat(pattern.match(StatePath.of("/users/2"))).isNull();
	}

	@Test
	void rootPatternMatchesOnlyTheRoot() {
		PathPattern empty = PathPattern.compile("");
		PathPattern slash = PathPattern.compile("/");
		assertThat(empty).isEqualTo(slash).hasSameHashCodeAs(slash);
		assertThat(empty).hasToString("/");
		assertThat(empty.segments()).isEmpty();
		assertThat(empty.isConcrete()).isTrue();
		assertThat(empty.toPath()).isEqualTo(StatePath.ROOT);
		assertThat(empty.matches(StatePath.ROOT)).isTrue();
		assertThat(empty.matches(StatePath.of("/a"))).isFalse();
		assertThat(empty.match(StatePath.ROOT)).isEmpty();
	}

	@Test
	void variablesCaptureOneSegmentEach() {
		PathPattern pattern = PathPattern.compile("/users/{userId}/posts/{postId}");
		assertThat(pattern.variableNames()).containsExactly("userId", "postId");
		assertThat(pattern.isConcrete()).isFalse();
		Map<String, String> variables = pattern.match(StatePath.of("/users/7/posts/p1"));
		assertThat(variables).containsExactly(Map.entry("userId", "7"), Map.entry("postId", "p1"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> variables.put("x", "y"));
		assertThat(pattern.match(StatePath.of("/users/7/posts"))).isNull();
		assertThat(pattern.match(StatePath.of("/users/7/comments/p1"))).isNull();
		assertThat(pattern.matches(StatePath.of("/users/7/posts/p1"))).isTrue();
	}

	@Test
	void variablesAreOrderedByAppearanceNotByName() {
		PathPattern pattern = PathPattern.compile("/{zeta}/{alpha}/{mid}");
		assertThat(pattern.match(StatePath.of("/1/2/3")).keySet()).containsExactly("zeta", "alpha", "mid");
	}

	@Test
	void variablesWithDoubleStarTakeTheShortestLeftmostSplit() {
		PathPattern pattern = PathPattern.compile("/**/{x}/**");
		assertThat(pattern.match(StatePath.of("/a/b/c"))).containsExactly(Map.entry("x", "a"));
		PathPattern tail = PathPattern.compile("/users/{id}/**");
		assertThat(tail.match(StatePath.of("/users/42"))).containsExactly(Map.entry("id", "42"));
		assertThat(tail.match(StatePath.of("/users/42/name/first"))).containsExactly(Map.entry("id", "42"));
		assertThat(tail.match(StatePath.of("/users"))).isNull();
		PathPattern nested = PathPattern.compile("/**/{a}/x/{b}");
		assertThat(nested.match(StatePath.of("/p/x/q/x/r"))).containsExactly(Map.entry("a", "q"), Map.entry("b", "r"));
	}

	@Test
	void patternWithoutVariablesMatchesWithEmptyMap() {
		PathPattern pattern = PathPattern.compile("/a/*/**");
		assertThat(pattern.match(StatePath.of("/a/b/c"))).isEmpty();
		assertThat(pattern.match(StatePath.of("/a"))).isNull();
		assertThat(pattern.variableNames()).isEmpty();
	}

	@Test
	void canonicalFormAndEquality() {
		PathPattern a = PathPattern.compile("users/{id}/**/");
		PathPattern b = PathPattern.compile("/users/{id}/**");
		assertThat(a).hasToString("/users/{id}/**");
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
		assertThat(a).isNotEqualTo(PathPattern.compile("/users/{other}/**"));
		assertThat(a).isNotEqualTo(PathPattern.compile("/users/*/**"));
		assertThat(a.segments()).containsExactly("users", "{id}", "**");
		assertThat(PathPattern.compile(a.toString())).isEqualTo(a);
	}

	@Test
	void accessorsAreUnmodifiable() {
		PathPattern pattern = PathPattern.compile("/a/{b}/*");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> pattern.segments().add("x"));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> pattern.variableNames().add("x"));
	}

	@Test
	void wildcardPatternHasNoPath() {
		assertThatIllegalStateException().isThrownBy(() -> PathPattern.compile("/a/*").toPath())
			.withMessageContaining("/a/*");
		assertThatIllegalStateException().isThrownBy(() -> PathPattern.compile("/a/{b}").toPath());
		assertThatIllegalStateException().isThrownBy(() -> PathPattern.compile("/**").toPath());
		assertThat(PathPattern.compile("/a/*").isConcrete()).isFalse();
		assertThat(PathPattern.compile("/**").isConcrete()).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			/users/user-*            | user-*
			/a/**b                   | **b
			/a/***                   | ***
			/a/*b*                   | *b*
			/a{b}                    | a{b}
			/a/{b                    | {b
			/a/b}                    | b}
			/a/x{id}y                | x{id}y
			/users//name             | empty segment
			/a/./b                   | relative reference
			/a/../b                  | relative reference
			/a/{}                    | empty variable name
			/a/{1id}                 | not a Java identifier
			/a/{my-id}               | not a Java identifier
			/a/{my id}               | not a Java identifier
			/a/{{id}}                | not a Java identifier
			/{id}/x/{id}             | variable 'id' appears more than once
			""")
	void rejectsInvalidPatterns(String pattern, String reasonPart) {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> PathPattern.compile(pattern))
			.satisfies((ex) -> {
				assertThat(ex.getInput()).isEqualTo(pattern);
				assertThat(ex.getReason()).contains(reasonPart);
				assertThat(ex.getMessage()).contains(pattern).contains(ex.getReason());
			});
	}

	@Test
	void rejectsControlCharacters() {
		String pattern = "/a/b\u0001c/*";
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> PathPattern.compile(pattern))
			.satisfies((ex) -> {
				assertThat(ex.getInput()).isEqualTo(pattern);
				assertThat(ex.getReason()).contains("control character").contains("U+0001");
			});
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> PathPattern.compile("/{a\u0000b}"))
			.withMessageContaining("not a Java identifier");
	}

	@Test
	void rejectsNull() {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> PathPattern.compile(null))
			.withMessageContaining("null");
	}

	@Test
	void rejectsMoreThan128Segments() {
		String ok = "/*".repeat(127) + "/**";
		assertThat(PathPattern.compile(ok).segments()).hasSize(128);
		String tooMany = ok + "/a";
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> PathPattern.compile(tooMany))
			.satisfies((ex) -> {
				assertThat(ex.getInput()).isEqualTo(tooMany);
				assertThat(ex.getReason()).contains("more than 128 segments");
			});
	}

	@Test
	void rejectsLongLiteralSegmentsByUtf8Bytes() {
		String threeByteChars = "\u20ac".repeat(86);
		assertThatExceptionOfType(InvalidPathException.class)
			.isThrownBy(() -> PathPattern.compile("/a/" + threeByteChars + "/*"))
			.withMessageContaining("258 UTF-8 bytes");
		assertThat(PathPattern.compile("/a/" + "\u20ac".repeat(85)).segments()).hasSize(2);
	}

	@Test
	void acceptsIdentifierShapedVariableNames() {
		assertThat(PathPattern.compile("/{_x}/{$y}/{\u00e9t\u00e91}").variableNames()).containsExactly("_x", "$y",
				"\u00e9t\u00e91");
	}

	@Test
	void doubleStarsDoNotBacktrackExponentially() {
		String deep = "/x".repeat(127) + "/y";
		StatePath path = StatePath.of(deep);
		PathPattern pattern = PathPattern.compile("/**/a/**/b/**/c/**/d/**/e/**/f/**/g");
		PathPattern capturing = PathPattern.compile("/**/{v1}/**/x/**/{v2}/**/a/**/b/**/c");
		PathPattern hit = PathPattern.compile("/**/x/**/{v}/**/x/**/y");
		assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
			for (int i = 0; i < 200; i++) {
				assertThat(pattern.matches(path)).isFalse();
				assertThat(capturing.match(path)).isNull();
				assertThat(hit.match(path)).containsExactly(Map.entry("v", "x"));
			}
		});
	}

	// --- property: agreement with a naive recursive matcher ---

	@Provide
	Arbitrary<List<String>> patternTokens() {
		return Arbitraries.of("a", "b", "c", "*", "**", "{v}").list().ofMaxSize(7);
	}

	@Provide
	Arbitrary<List<String>> pathSegments() {
		return Arbitraries.of("a", "b", "c", "d").list().ofMaxSize(8);
	}

	@Property(tries = 2000)
	void agreesWithNaiveMatcher(@ForAll("patternTokens") List<String> tokens,
			@ForAll("pathSegments") List<String> segments) {
		List<String> named = numberVariables(tokens);
		PathPattern pattern = PathPattern.compile(String.join("/", named));
		StatePath path = StatePath.ofSegments(segments);
		Map<String, String> expected = naiveMatch(named, 0, segments, 0, new LinkedHashMap<>());
		assertThat(pattern.matches(path)).isEqualTo(expected != null);
		Map<String, String> actual = pattern.match(path);
		if (expected == null) {
			assertThat(actual).isNull();
		}
		else {
			assertThat(actual).isNotNull();
			assertThat(new ArrayList<>(actual.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
		}
	}

	@Property(tries = 500)
	void compiledPatternRoundTripsThroughItsCanonicalForm(@ForAll("patternTokens") List<String> tokens) {
		List<String> named = numberVariables(tokens);
		String raw = String.join("/", named);
		PathPattern pattern = PathPattern.compile(raw);
		assertThat(pattern.toString()).isEqualTo("/" + raw);
		assertThat(PathPattern.compile(pattern.toString())).isEqualTo(pattern);
		assertThat(PathPattern.compile(raw + "/")).isEqualTo(pattern);
		assertThat(pattern.segments()).isEqualTo(named);
	}

	/** Renames each {v} to {v0}, {v1}, ... so names do not repeat. */
	private static List<String> numberVariables(List<String> tokens) {
		List<String> named = new ArrayList<>(tokens.size());
		int n = 0;
		for (String token : tokens) {
			named.add(token.equals("{v}") ? "{v" + (n++) + "}" : token);
		}
		return named;
	}

	/**
	 * Plain backtracking: {@code **} tries the fewest segments first; returns the variables of the
	 * first successful split, or {@code null}.
	 */
	private static Map<String, String> naiveMatch(List<String> pattern, int i, List<String> path, int j,
			Map<String, String> variables) {
		if (i == pattern.size()) {
			return (j == path.size()) ? Collections.unmodifiableMap(new LinkedHashMap<>(variables)) : null;
		}
		String token = pattern.get(i);
		if (token.equals("**")) {
			for (int k = j; k <= path.size(); k++) {
				Map<String, String> result = naiveMatch(pattern, i + 1, path, k, variables);
				if (result != null) {
					return result;
				}
			}
			return null;
		}
		if (j == path.size()) {
			return null;
		}
		if (token.startsWith("{")) {
			Map<String, String> next = new LinkedHashMap<>(variables);
			next.put(token.substring(1, token.length() - 1), path.get(j));
			return naiveMatch(pattern, i + 1, path, j + 1, next);
		}
		if (token.equals("*") || token.equals(path.get(j))) {
			return naiveMatch(pattern, i + 1, path, j + 1, variables);
		}
		return null;
	}

}
