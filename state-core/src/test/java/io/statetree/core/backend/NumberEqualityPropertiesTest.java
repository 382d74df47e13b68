package io.statetree.core.backend;

import java.math.BigDecimal;
import java.math.BigInteger;

import io.statetree.core.internal.JsonText;
import io.statetree.core.internal.ModelRules;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Numbers compare by the decimal value they denote (DESIGN §2), hash consistently with that, and
 * print to JSON text that reads back with the same value, scale and Java type.
 */
class NumberEqualityPropertiesTest {

	private static final JsonMapper MAPPER = JsonText.storedJsonMapper().build();

	@Provide
	Arbitrary<BigDecimal> decimals() {
		return Combinators
			.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
					Arbitraries.integers().between(-25, 45))
			.as(BigDecimal::new);
	}

	@Provide
	Arbitrary<Double> finiteDoubles() {
		return Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
	}

	@Property(tries = 200)
	void decimalsAreEqualExactlyWhenTheirValuesAre(@ForAll("decimals") BigDecimal a, @ForAll("decimals") BigDecimal b) {
		assertThat(StateValues.equal(a, b)).isEqualTo(a.compareTo(b) == 0);
		BigDecimal rescaled = a.setScale(a.scale() + 3);
		assertThat(StateValues.equal(a, rescaled)).isTrue();
		assertThat(StateValues.hash(a)).isEqualTo(StateValues.hash(rescaled));
		BigDecimal neighbour = a.add(BigDecimal.ONE.movePointLeft(a.scale() + 20));
		assertThat(StateValues.equal(a, neighbour)).isFalse();
	}

	@Property(tries = 200)
	void aDoubleEqualsTheDecimalItPrintsAsAndNothingElse(@ForAll("finiteDoubles") double d) {
		BigDecimal printed = new BigDecimal(Double.toString(d));
		assertThat(StateValues.equal(d, printed)).isTrue();
		assertThat(StateValues.hash(d)).isEqualTo(StateValues.hash(printed));
		assertThat(StateValues.equal(d, printed.add(BigDecimal.ONE.movePointLeft(printed.scale() + 5)))).isFalse();
		if (d == Math.rint(d) && Math.abs(d) < 0x1p62) {
			assertThat(StateValues.equal(d, (long) d)).isTrue();
			assertThat(StateValues.hash(d)).isEqualTo(StateValues.hash((long) d));
		}
	}

	@Property(tries = 200)
	void integersAndWholeDecimalsHashAlike(@ForAll long l) {
		BigDecimal whole = BigDecimal.valueOf(l).setScale(2);
		assertThat(StateValues.equal(l, whole)).isTrue();
		assertThat(StateValues.hash(StateValues.normalizeNumber(l))).isEqualTo(StateValues.hash(whole));
		BigInteger big = BigInteger.valueOf(l).shiftLeft(64);
		assertThat(StateValues.hash(big)).isEqualTo(StateValues.hash(new BigDecimal(big)));
	}

	@Property(tries = 300)
	void decimalsReadBackFromTheirTextWithValueScaleAndType(@ForAll("decimals") BigDecimal decimal) {
		Object read = parse(ModelRules.numberText(decimal));
		assertThat(read).isInstanceOf(BigDecimal.class).isEqualTo(decimal);
	}

	@Property(tries = 300)
	void doublesReadBackFromTheirTextAsTheSameDouble(@ForAll("finiteDoubles") double d) {
		Object read = parse(ModelRules.numberText(d));
		assertThat(read).isInstanceOf(Double.class).isEqualTo(d);
	}

	private static Object parse(String text) {
		try (JsonParser parser = MAPPER.createParser(text)) {
			return JsonText.readStored(parser);
		}
	}

}
