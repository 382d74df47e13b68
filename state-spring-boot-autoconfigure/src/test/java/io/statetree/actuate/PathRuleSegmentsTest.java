package io.statetree.actuate;

import java.util.List;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PathRule} matches paths given as plain segment lists (for keys inside arrays, which need
 * not be path segments) exactly as {@link PathPattern} matches {@link StatePath}s.
 */
class PathRuleSegmentsTest {

	@Property(tries = 500)
	void segmentListsMatchAsStatePathsDo(@ForAll("patterns") String pattern, @ForAll("paths") List<String> segments) {
		PathPattern compiled = PathPattern.compile(pattern);
		PathRule rule = new PathRule(compiled, Set.of("ROLE_X"), Set.of());
		StatePath path = StatePath.ofSegments(segments);
		assertThat(rule.matches(segments)).as("%s matches %s", pattern, path).isEqualTo(compiled.matches(path));
		boolean covers = false;
		boolean below = false;
		for (int depth = 0; depth <= path.depth(); depth++) {
			covers |= compiled.matches(path.prefix(depth));
		}
		for (String extra : List.of("a", "b", "0", "x")) {
			below |= compiled.matches(path.child(extra));
			for (String more : List.of("a", "b", "0", "x")) {
				below |= compiled.matches(path.child(extra).child(more));
			}
		}
		assertThat(rule.covers(segments)).as("%s covers %s", pattern, path).isEqualTo(covers);
		assertThat(rule.covers(path)).isEqualTo(covers);
		if (below) {
			assertThat(rule.mayMatchBelow(segments)).as("%s below %s", pattern, path).isTrue();
		}
		assertThat(rule.mayMatchBelow(path)).isEqualTo(rule.mayMatchBelow(segments));
	}

	@Provide
	Arbitrary<String> patterns() {
		Arbitrary<String> token = Arbitraries.of("a", "b", "0", "*", "**", "{v}");
		return token.list().ofMaxSize(4).map((tokens) -> {
			StringBuilder pattern = new StringBuilder();
			int variables = 0;
			for (String t : tokens) {
				pattern.append('/').append(t.equals("{v}") ? "{v" + (variables++) + "}" : t);
			}
			return (pattern.length() == 0) ? "/" : pattern.toString();
		});
	}

	@Provide
	Arbitrary<List<String>> paths() {
		return Arbitraries.of("a", "b", "0", "x").list().ofMaxSize(4);
	}

}
