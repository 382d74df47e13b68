package io.statetree.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StatePath#of} caches recent parses; strings that share a cache slot must never be
 * confused, and rejected paths are never cached.
 */
class StatePathCacheTest {

	@Test
	void collidingStringsAreNeverConfused() {
		assertThat("/Aa".hashCode()).isEqualTo("/BB".hashCode());
		for (int i = 0; i < 3; i++) {
			assertThat(StatePath.of("/Aa").segments()).containsExactly("Aa");
			assertThat(StatePath.of("/BB").segments()).containsExactly("BB");
		}
	}

	@Test
	void equivalentSpellingsGiveEqualPathsAndInvalidOnesStayRejected() {
		assertThat(StatePath.of("users/1")).isEqualTo(StatePath.of("/users/1/")).isEqualTo(StatePath.of("/users/1"));
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> StatePath.of("/a//b")).isInstanceOf(InvalidPathException.class);
		}
		String longPath = "/" + "abcdefghij/".repeat(30) + "y";
		assertThat(longPath.length()).isGreaterThan(256);
		assertThat(StatePath.of(longPath).depth()).isEqualTo(31);
		assertThat(StatePath.of(longPath)).isEqualTo(StatePath.of(longPath + "/"));
	}

}
