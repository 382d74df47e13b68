package io.statetree.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which group names {@link SubscribeOptions#group(String)} takes: 1 to 100 letters, digits,
 * {@code .}, {@code _} or {@code -}, not dots only ({@code .} and {@code ..} read as relative
 * paths in the actuator's URLs and in file names).
 */
class SubscribeOptionsGroupNameTest {

	@Provide
	Arbitrary<String> names() {
		return Arbitraries.strings().withChars("aZ09._-").ofMinLength(1).ofMaxLength(100);
	}

	@Property(tries = 300)
	void aNameOfTheAllowedCharactersIsTakenUnlessItIsDotsOnly(@ForAll("names") String name) {
		if (name.chars().allMatch((c) -> c == '.')) {
			assertThatThrownBy(() -> SubscribeOptions.group(name)).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'" + name + "'")
				.hasMessageContaining("dots only");
		}
		else {
			assertThat(SubscribeOptions.group(name).group()).isEqualTo(name);
		}
	}

	@Property(tries = 300)
	void aNameWithAnyOtherCharacterIsRefusedNamingIt(@ForAll("names") String name,
			@ForAll("others") char other) {
		String bad = (name + other).substring(Math.max(0, name.length() + 1 - 100));
		assertThatThrownBy(() -> SubscribeOptions.group(bad)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining(bad);
	}

	@Provide
	Arbitrary<Character> others() {
		return Arbitraries.chars().filter((c) -> !(Character.isLetterOrDigit(c) && c < 128) && ".-_".indexOf(c) < 0);
	}

	@Example
	void theBreakersDotNamesAreRefused() {
		assertThatThrownBy(() -> SubscribeOptions.group(".")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("dots only");
		assertThatThrownBy(() -> SubscribeOptions.group("..")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("dots only");
		assertThat(SubscribeOptions.group(".billing").group()).isEqualTo(".billing");
	}

}
