package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;
import io.statetree.core.internal.PatternIndex.Cursor;
import io.statetree.core.internal.PatternIndex.Entry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class PatternIndexTest {

	private static PathPattern p(String pattern) {
		return PathPattern.compile(pattern);
	}

	private static StatePath path(String path) {
		return StatePath.of(path);
	}

	private static List<String> values(List<Entry<String>> entries) {
		return entries.stream().map(Entry::value).toList();
	}

	private static Cursor<String> walk(PatternIndex<String> index, String path) {
		Cursor<String> cursor = index.root();
		for (String segment : path(path).segments()) {
			cursor = cursor.advance(segment);
		}
		return cursor;
	}

	@Test
	void emptyIndexIsDeadAtTheRoot() {
		PatternIndex<String> index = new PatternIndex<>();
		assertThat(index.isEmpty()).isTrue();
		assertThat(index.root().isDead()).isTrue();
		assertThat(index.root().matches()).isEmpty();
		assertThat(index.root().advance("a").isDead()).isTrue();
		assertThat(index.matches(path("/a/b"))).isEmpty();
		assertThat(index.matches(StatePath.ROOT)).isEmpty();
		assertThat(index.entries()).isEmpty();
	}

	@Test
	void matchesAreSortedByOrderNotByRegistrationOrSpecificity() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a/*"), "star", 20);
		index.add(p("/a/b"), "exact", 30);
		index.add(p("/a/**"), "tail", 10);
		index.add(p("/**"), "all", 25);
		index.add(p("/a/{x}"), "var", 5);
		index.add(p("/a/c"), "other", 1);
		assertThat(values(index.matches(path("/a/b")))).containsExactly("var", "tail", "star", "all", "exact");
		assertThat(values(walk(index, "/a/b").matches())).containsExactly("var", "tail", "star", "all", "exact");
		assertThat(values(index.matches(path("/a")))).containsExactly("tail", "all");
		assertThat(values(index.matches(StatePath.ROOT))).containsExactly("all");
		assertThat(values(index.entries())).containsExactly("other", "var", "tail", "star", "all", "exact");
		assertThat(index.isEmpty()).isFalse();
	}

	@Test
	void addingTheSameValueUnderTheSamePatternKeepsTheFirstOrder() {
		PatternIndex<String> index = new PatternIndex<>();
		assertThat(index.add(p("/a/*"), "x", 5)).isTrue();
		assertThat(index.add(p("a/*/"), "x", 1)).isFalse();
		assertThat(index.add(p("/a/*"), "y", 3)).isTrue();
		assertThat(index.add(p("/a/{id}"), "x", 7)).isTrue();
		List<Entry<String>> matches = index.matches(path("/a/b"));
		assertThat(matches).extracting(Entry::order).containsExactly(3L, 5L, 7L);
		assertThat(matches).extracting(Entry::value).containsExactly("y", "x", "x");
		assertThat(matches).doesNotHaveDuplicates();
		assertThat(index.entries()).hasSize(3);
	}

	@Test
	void entriesKeepTheirPatternForVariableExtraction() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/users/{id}/name"), "byId", 1);
		index.add(p("/users/{user}/name"), "byUser", 2);
		List<Entry<String>> matches = index.matches(path("/users/42/name"));
		assertThat(matches).hasSize(2);
		assertThat(matches.get(0).pattern().match(path("/users/42/name"))).isEqualTo(Map.of("id", "42"));
		assertThat(matches.get(1).pattern().match(path("/users/42/name"))).isEqualTo(Map.of("user", "42"));
	}

	@Test
	void removeDropsOnlyThatValueAndPrunes() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a/b/c"), "x", 1);
		index.add(p("/a/b/c"), "y", 2);
		index.add(p("/a/*/c"), "x", 3);
		assertThat(index.remove(p("/a/b/c"), "x")).isTrue();
		assertThat(index.remove(p("/a/b/c"), "x")).isFalse();
		assertThat(index.remove(p("/a/b"), "y")).isFalse();
		assertThat(index.remove(p("/a/{v}/c"), "x")).isFalse();
		assertThat(index.remove(p("/nothing/here"), "x")).isFalse();
		assertThat(values(index.matches(path("/a/b/c")))).containsExactly("y", "x");
		assertThat(index.remove(p("/a/*/c"), "x")).isTrue();
		assertThat(values(index.matches(path("/a/b/c")))).containsExactly("y");
		assertThat(walk(index, "/a/z").isDead()).isTrue();
		assertThat(index.remove(p("/a/b/c"), "y")).isTrue();
		assertThat(index.isEmpty()).isTrue();
		assertThat(index.root().isDead()).isTrue();
		assertThat(index.entries()).isEmpty();
		assertThat(index.add(p("/a/b/c"), "x", 9)).isTrue();
		assertThat(index.matches(path("/a/b/c"))).extracting(Entry::order).containsExactly(9L);
	}

	@Test
	void cursorDiesWhenNoPatternCanMatchBelow() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a/b/c"), "x", 1);
		Cursor<String> root = index.root();
		assertThat(root.isDead()).isFalse();
		assertThat(root.matches()).isEmpty();
		assertThat(root.advance("x").isDead()).isTrue();
		Cursor<String> a = root.advance("a");
		assertThat(a.isDead()).isFalse();
		assertThat(a.matches()).isEmpty();
		Cursor<String> c = a.advance("b").advance("c");
		assertThat(values(c.matches())).containsExactly("x");
		Cursor<String> d = c.advance("d");
		assertThat(d.isDead()).isTrue();
		assertThat(d.matches()).isEmpty();
		assertThat(d.advance("e").isDead()).isTrue();
	}

	@Test
	void doubleStarKeepsTheCursorAliveAndMatchesZeroSegments() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a/**"), "tail", 1);
		index.add(p("/a/**/z"), "z", 2);
		Cursor<String> cursor = index.root().advance("a");
		assertThat(values(cursor.matches())).containsExactly("tail");
		for (int i = 0; i < 50; i++) {
			cursor = cursor.advance("s" + i);
			assertThat(cursor.isDead()).isFalse();
			assertThat(values(cursor.matches())).containsExactly("tail");
		}
		assertThat(values(cursor.advance("z").matches())).containsExactly("tail", "z");
		assertThat(values(index.matches(path("/a/z")))).containsExactly("tail", "z");
		assertThat(index.root().advance("b").isDead()).isTrue();
	}

	@Test
	void consecutiveDoubleStarsAndWildcardsCombine() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/**/**/x"), "dd", 1);
		index.add(p("/*/**/x/*"), "mixed", 2);
		index.add(p("/**/x/**"), "around", 3);
		assertThat(values(index.matches(path("/x")))).containsExactly("dd", "around");
		assertThat(values(index.matches(path("/q/x/r")))).containsExactly("mixed", "around");
		assertThat(values(index.matches(path("/x/x")))).containsExactly("dd", "around");
		assertThat(values(index.matches(path("/q/x/x")))).containsExactly("dd", "mixed", "around");
	}

	@Test
	void unrelatedPatternsDieAtTheFirstSegment() {
		PatternIndex<String> index = new PatternIndex<>();
		for (int i = 0; i < 1000; i++) {
			index.add(p("/exact" + i + "/x/y"), "e" + i, i);
		}
		for (int i = 0; i < 100; i++) {
			index.add(p("/wild" + i + "/*/{id}/**"), "w" + i, 1000 + i);
		}
		Cursor<String> root = index.root();
		assertThat(root.isDead()).isFalse();
		Cursor<String> a = root.advance("a");
		assertThat(a.isDead()).isTrue();
		// all dead cursors are one shared instance: nothing is allocated for a miss
		assertThat(root.advance("b")).isSameAs(a);
		assertThat(values(index.matches(path("/exact7/x/y")))).containsExactly("e7");
		assertThat(values(index.matches(path("/wild3/p/q")))).containsExactly("w3");
		assertThat(index.matches(path("/a/b/c"))).isEmpty();
	}

	@Test
	void literalWalksReuseCursors() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a/b/c"), "x", 1);
		index.add(p("/a/*/d"), "y", 2);
		Cursor<String> first = index.root().advance("a").advance("q");
		Cursor<String> second = index.root().advance("a").advance("q");
		assertThat(first).isSameAs(second);
		assertThat(first.matches()).isSameAs(second.matches());
		assertThat(index.root().advance("a").advance("b").advance("c").matches()).extracting(Entry::value)
			.containsExactly("x");
	}

	@Test
	void cursorsReadASnapshot() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a/b"), "old", 1);
		Cursor<String> before = index.root().advance("a");
		index.add(p("/a/*"), "new", 2);
		index.remove(p("/a/b"), "old");
		assertThat(values(before.advance("b").matches())).containsExactly("old");
		assertThat(values(walk(index, "/a/b").matches())).containsExactly("new");
	}

	@Test
	void returnedListsAreUnmodifiable() {
		PatternIndex<String> index = new PatternIndex<>();
		index.add(p("/a"), "x", 1);
		index.add(p("/*"), "y", 2);
		List<Entry<String>> matches = index.matches(path("/a"));
		assertThat(matches).hasSize(2);
		org.assertj.core.api.Assertions.assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> matches.add(matches.get(0)));
		org.assertj.core.api.Assertions.assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> index.entries().clear());
	}

	@Test
	void rejectsNullValues() {
		PatternIndex<String> index = new PatternIndex<>();
		assertThatNullPointerException().isThrownBy(() -> index.add(p("/a"), null, 1));
	}

	@Test
	void readersSeeConsistentSnapshotsWhileWritersAdd() throws Exception {
		PatternIndex<Integer> index = new PatternIndex<>();
		ExecutorService pool = Executors.newFixedThreadPool(3);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int w = 0; w < 2; w++) {
				int writer = w;
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 500; i++) {
						index.add(p("/w" + writer + "/" + i), i, writer * 1000L + i);
						index.add(p("/shared/**"), writer * 1000 + i, writer * 1000L + i);
					}
					return null;
				}));
			}
			futures.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < 2000; i++) {
					List<Entry<Integer>> matches = index.matches(path("/shared/x"));
					assertThat(matches).isSortedAccordingTo(Comparator.comparingLong(Entry::order));
					assertThat(matches).doesNotHaveDuplicates();
				}
				return null;
			}));
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(index.entries()).hasSize(2000);
		assertThat(index.matches(path("/shared/x"))).hasSize(1000);
		assertThat(index.matches(path("/w1/499"))).extracting(Entry::value).containsExactly(499);
	}

	// --- property: the cursor agrees with PathPattern.matches and with a naive liveness check ---

	@Provide
	Arbitrary<List<List<String>>> patternSets() {
		return Arbitraries.of("a", "b", "c", "*", "**", "{v}").list().ofMaxSize(4).list().ofMaxSize(10);
	}

	@Provide
	Arbitrary<List<String>> paths() {
		return Arbitraries.of("a", "b", "c", "d").list().ofMaxSize(6);
	}

	@Provide
	Arbitrary<List<List<String>>> suffixes() {
		return paths().list().ofMaxSize(4);
	}

	@Property(tries = 1000)
	void cursorWalkAgreesWithPatternMatching(@ForAll("patternSets") List<List<String>> patternTokens,
			@ForAll("paths") List<String> segments, @ForAll("suffixes") List<List<String>> suffixes,
			@ForAll @IntRange(min = 0, max = 100) int seed, @ForAll @IntRange(min = 0, max = 3) int removeEvery) {
		PatternIndex<Integer> index = new PatternIndex<>();
		List<Entry<Integer>> registered = new ArrayList<>();
		for (int i = 0; i < patternTokens.size(); i++) {
			PathPattern pattern = compileNumbered(patternTokens.get(i));
			long order = (i * 37L + seed) % 101;
			assertThat(index.add(pattern, i, order)).isTrue();
			assertThat(index.add(pattern, i, order + 500)).isFalse();
			registered.add(new Entry<>(pattern, i, order));
		}
		if (removeEvery > 0) {
			for (int i = 0; i < patternTokens.size(); i += removeEvery + 1) {
				Entry<Integer> entry = registered.get(i);
				assertThat(index.remove(entry.pattern(), entry.value())).isTrue();
				assertThat(index.remove(entry.pattern(), entry.value())).isFalse();
			}
			registered.removeIf((e) -> e.value() % (removeEvery + 1) == 0);
		}
		registered.sort(Comparator.comparingLong(Entry::order));
		assertThat(index.entries()).containsExactlyElementsOf(registered);
		assertThat(index.isEmpty()).isEqualTo(registered.isEmpty());

		StatePath full = StatePath.ofSegments(segments);
		Cursor<Integer> cursor = index.root();
		for (int depth = 0; depth <= full.depth(); depth++) {
			if (depth > 0) {
				cursor = cursor.advance(full.segment(depth - 1));
			}
			StatePath prefix = full.prefix(depth);
			List<Entry<Integer>> expected = registered.stream().filter((e) -> e.pattern().matches(prefix)).toList();
			assertThat(cursor.matches()).containsExactlyElementsOf(expected);
			assertThat(index.matches(prefix)).containsExactlyElementsOf(expected);

			boolean canStillMatch = registered.stream()
				.anyMatch((e) -> someExtensionMatches(e.pattern().segments(), 0, prefix.segments(), 0));
			assertThat(cursor.isDead()).isEqualTo(!canStillMatch);
			if (cursor.isDead()) {
				for (List<String> suffix : suffixes) {
					StatePath extension = prefix.resolve(StatePath.ofSegments(suffix));
					assertThat(registered).noneMatch((e) -> e.pattern().matches(extension));
				}
				for (int deeper = depth; deeper <= full.depth(); deeper++) {
					StatePath extension = full.prefix(deeper);
					assertThat(registered).noneMatch((e) -> e.pattern().matches(extension));
				}
			}
		}
	}

	/** Compiles tokens after renaming each {v} to {v0}, {v1}, ... so names do not repeat. */
	private static PathPattern compileNumbered(List<String> tokens) {
		StringBuilder sb = new StringBuilder();
		int n = 0;
		for (String token : tokens) {
			sb.append('/').append(token.equals("{v}") ? "{v" + (n++) + "}" : token);
		}
		return PathPattern.compile(sb.toString());
	}

	/**
	 * Naively decides whether some path starting with {@code prefix} matches the pattern: the
	 * prefix must be consumable by the leading tokens; whatever tokens remain can always be satisfied
	 * (a literal by itself, {@code *} or a variable by any segment, {@code **} by nothing).
	 */
	private static boolean someExtensionMatches(List<String> tokens, int i, List<String> prefix, int j) {
		if (j == prefix.size()) {
			return true;
		}
		if (i == tokens.size()) {
			return false;
		}
		String token = tokens.get(i);
		if (token.equals("**")) {
			return someExtensionMatches(tokens, i + 1, prefix, j) || someExtensionMatches(tokens, i, prefix, j + 1);
		}
		boolean single = token.equals("*") || token.startsWith("{") || token.equals(prefix.get(j));
		return single && someExtensionMatches(tokens, i + 1, prefix, j + 1);
	}

}
