package io.statetree.actuate;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests for {@link PathRule} and {@link StateTreeSanitizer}.
 */
class PathRuleAndSanitizerTest {

	private static PathRule rule(String pattern) {
		return new PathRule(PathPattern.compile(pattern), Set.of("ROLE_ADMIN"), Set.of());
	}

	@Test
	void aRuleCoversWhatItMatchesAndEverythingBelow() {
		PathRule rule = rule("/users/*/private");
		assertThat(rule.covers(StatePath.of("/users/1/private"))).isTrue();
		assertThat(rule.covers(StatePath.of("/users/1/private/card"))).isTrue();
		assertThat(rule.covers(StatePath.of("/users/1"))).isFalse();
		assertThat(rule.covers(StatePath.of("/users/1/public"))).isFalse();
	}

	@Test
	void mayMatchBelowFollowsWildcardsVariablesAndDoubleStars() {
		assertThat(rule("/users/*/private").mayMatchBelow(StatePath.of("/users"))).isTrue();
		assertThat(rule("/users/*/private").mayMatchBelow(StatePath.of("/users/1"))).isTrue();
		assertThat(rule("/users/*/private").mayMatchBelow(StatePath.of("/users/1/private"))).isFalse();
		assertThat(rule("/users/*/private").mayMatchBelow(StatePath.of("/posts"))).isFalse();
		assertThat(rule("/users/{id}").mayMatchBelow(StatePath.ROOT)).isTrue();
		assertThat(rule("/**/secret").mayMatchBelow(StatePath.of("/a/b/c"))).isTrue();
		assertThat(rule("/a/**").mayMatchBelow(StatePath.of("/a/b"))).isTrue();
		assertThat(rule("/a/**").mayMatchBelow(StatePath.of("/b"))).isFalse();
	}

	@Test
	void plainKeysMatchWholeWordsIgnoringCase() {
		StateTreeSanitizer sanitizer = new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS);
		assertThat(sanitizer.isSensitive("apiKey")).isTrue();
		assertThat(sanitizer.isSensitive("PASSWORD")).isTrue();
		assertThat(sanitizer.isSensitive("keyboard")).isFalse();
		assertThat(sanitizer.isSensitive("name")).isFalse();
	}

	@Test
	void regularExpressionsMatchWholeKeys() {
		StateTreeSanitizer sanitizer = new StateTreeSanitizer(List.of("pin|cvv"));
		assertThat(sanitizer.isSensitive("CVV")).isTrue();
		assertThat(sanitizer.isSensitive("pinned")).isFalse();
	}

	@Test
	void sensitiveValuesAreMaskedInsideBranchesAndArrays() {
		StateTreeSanitizer sanitizer = new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS);
		Object masked = sanitizer.sanitize(StatePath.of("/config"),
				Map.of("accounts", List.of(Map.of("name", "a", "token", "t-1"))));
		assertThat(masked).isEqualTo(Map.of("accounts", List.of(Map.of("name", "a", "token", "******"))));
		assertThat(sanitizer.sanitize(StatePath.of("/config/secret/inner"), Map.of("x", 1))).isEqualTo("******");
		Map<String, Object> clean = Map.of("name", "a");
		assertThat(sanitizer.sanitize(StatePath.of("/config"), clean)).isSameAs(clean);
	}

	@Test
	void badPatternsAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new StateTreeSanitizer(List.of("(unclosed")))
			.withMessageContaining("(unclosed");
		assertThatIllegalArgumentException().isThrownBy(() -> new StateTreeSanitizer(List.of(" ")))
			.withMessageContaining("blank");
	}

}
