package io.statetree.core.backend;

import java.math.BigDecimal;
import java.math.BigInteger;

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
			// a whole double equals the integer it prints as (its binary value only when that
			// is what it prints as): equality stays transitive and consistent with the hash
			boolean exact = printed.compareTo(new BigDecimal((long) d)) == 0;
			assertThat(StateValues.equal(d, (long) d)).isEqualTo(exact);
			assertThat(StateValues.equal(d, printed.longValueExact())).isTrue();
			assertThat(StateValues.hash(d)).isEqualTo(StateValues.hash(StateValues.normalizeNumber(printed.longValueExact())));
		}
	}

	@Property(tries = 300)
	void wholeDoublesAbove2To53EqualWhatTheyPrintAsAndHashAlike(@ForAll("wholeDoubles") double d) {
		BigDecimal printed = new BigDecimal(Double.toString(d));
		long exact = (long) d;
		long shown = printed.longValueExact();
		assertThat(StateValues.equal(d, shown)).isTrue();
		assertThat(StateValues.equal(d, printed)).isTrue();
		assertThat(StateValues.equal(d, exact)).isEqualTo(exact == shown);
		// transitive: whatever equals the double equals what equals it
		assertThat(StateValues.equal(exact, printed)).isEqualTo(StateValues.equal(d, exact));
		assertThat(StateValues.hash(d)).isEqualTo(StateValues.hash(shown)).isEqualTo(StateValues.hash(printed));
	}

	@Provide
	Arbitrary<Double> wholeDoubles() {
		return Arbitraries.doubles()
			.between(0x1p53, 0x1p62)
			.map(Math::rint)
			.flatMap((d) -> Arbitraries.of(d, -d));
	}

	/**
	 * The exact example: 2^60 as a double prints (and is stored in files) as
	 * 1.15292150460684698E18, the decimal 1152921504606846980. It was equal both to that
	 * decimal and to the long 1152921504606846976, which differ from each other, with a
	 * different hash for each: so writing that long over the double was "no change" and lost.
	 */
	@net.jqwik.api.Example
	void twoToTheSixtyAsADoubleIsTheDecimalItPrintsAs() {
		double d = 0x1p60;
		assertThat(Double.toString(d)).isEqualTo("1.15292150460684698E18");
		assertThat(StateValues.equal(d, new BigDecimal("1152921504606846980"))).isTrue();
		assertThat(StateValues.equal(d, 1152921504606846980L)).isTrue();
		assertThat(StateValues.equal(d, 1152921504606846976L)).isFalse();
		assertThat(StateValues.hash(d)).isEqualTo(StateValues.hash(new BigDecimal("1152921504606846980")));
		io.statetree.core.StateController controller = io.statetree.core.StateController.create();
		controller.set("/x", d);
		assertThat(controller.set("/x", 1152921504606846976L)).isTrue();
		assertThat(controller.get("/x")).isEqualTo(1152921504606846976L);
		controller.close();
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
