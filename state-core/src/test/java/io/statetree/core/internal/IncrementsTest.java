package io.statetree.core.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a counter may hold (DESIGN §19): integers within a {@code long}, absent as 0; anything
 * else is refused with the path and what the value is, never the value.
 */
class IncrementsTest {

	private static final StatePath PATH = StatePath.of("/counter");

	@Property(tries = 200)
	void everyIntegerWithinALongCounts(@ForAll long value) {
		assertThat(Increments.integer(PATH, value)).isEqualTo(value);
		assertThat(Increments.integer(PATH, BigInteger.valueOf(value))).isEqualTo(value);
		if (value == (int) value) {
			assertThat(Increments.integer(PATH, (int) value)).isEqualTo(value);
		}
	}

	@Test
	void absentCountsAsZero() {
		assertThat(Increments.integer(PATH, null)).isZero();
	}

	@Test
	void otherValuesAreRefusedSayingWhatTheyAre() {
		assertRefused("secret-text", "a string");
		assertRefused(new BigDecimal("12.5"), "a decimal number");
		assertRefused(2.5d, "a decimal number");
		assertRefused(true, "a boolean");
		assertRefused(Map.of("k", 1), "a branch");
		assertRefused(List.of(1), "a list");
		assertThatThrownBy(() -> Increments.integer(PATH, BigInteger.TWO.pow(63))).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/counter")
			.hasMessageContaining("outside the range of a long")
			.hasMessageNotContaining(BigInteger.TWO.pow(63).toString());
	}

	private static void assertRefused(Object value, String kind) {
		assertThatThrownBy(() -> Increments.integer(PATH, value)).isInstanceOf(StateWriteException.class)
			.hasMessageContaining("/counter")
			.hasMessageContaining(kind)
			.hasMessageNotContaining(String.valueOf(value));
	}

}
