package io.statetree.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model's rules for written values as properties over random inputs, run on every store a
 * subclass supplies: numbers keep their exact value and Java type (also after the store is
 * reopened, and a write that differs in the last digit is never lost), nesting around the path
 * limit is accepted or refused consistently with nothing written when refused, and keys that
 * are not path segments are refused naming the key.
 */
public abstract class AbstractValueRulesProperties {

	/**
	 * One store under test. Each {@link #open()} gives a new backend over the same storage (for a
	 * persistent store), so reopening is tested by closing one and opening another.
	 */
	protected interface Store extends AutoCloseable {

		/**
		 * Opens a backend.
		 * @return the backend; the caller closes it
		 */
		StateBackend open();

		/**
		 * Tells whether a second {@link #open()} sees what the first wrote.
		 * @return whether the store is persistent
		 */
		boolean persistent();

		@Override
		void close();

	}

	/**
	 * Creates fresh, empty stores, one per backend configuration to test.
	 * @return the stores, closed by the caller
	 */
	protected abstract List<Store> newStores();

	/**
	 * Tells whether a write of a value equal to the stored one (1.0 over 1) leaves the stored
	 * value, and so its Java type, as it was (every backend does; Redis's commit script compares
	 * values as JSON, numbers by the decimal they denote).
	 * @return whether an equal write leaves the stored value
	 */
	protected boolean equalWritesKeepTheStoredValue() {
		return true;
	}

	/** Listeners may run asynchronously: wait for them, without a fixed first delay. */
	private static ConditionFactory soon() {
		return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
	}

	// ------------------------------------------------------------------ numbers

	@Provide
	Arbitrary<List<Number>> numberLists() {
		Arbitrary<Number> decimals = Combinators
			.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(60).negate(), BigInteger.TEN.pow(60)),
					Arbitraries.integers().between(-30, 60))
			.as((unscaled, scale) -> new BigDecimal(unscaled, scale));
		Arbitrary<Number> shortDecimals = Combinators
			.combine(Arbitraries.integers().between(-100_000, 100_000), Arbitraries.integers().between(0, 4))
			.as((unscaled, scale) -> BigDecimal.valueOf(unscaled, scale));
		Arbitrary<Number> bigIntegers = Arbitraries.bigIntegers()
			.between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))
			.map((n) -> n.signum() >= 0 ? n.add(BigInteger.ONE.shiftLeft(63)) : n.subtract(BigInteger.ONE.shiftLeft(63)));
		Arbitrary<Number> longs = Arbitraries.longs().map((n) -> n);
		Arbitrary<Number> ints = Arbitraries.integers().map((n) -> n);
		Arbitrary<Number> doubles = Arbitraries.doubles()
			.ofScale(17)
			.between(-1e12, 1e12)
			.map((n) -> n);
		Arbitrary<Number> anyDoubles = Arbitraries.longs()
			.map(Double::longBitsToDouble)
			.filter(Double::isFinite)
			.map((n) -> n);
		Arbitrary<Number> special = Arbitraries.of(0.1, -0.0, 1.0, 100.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-7,
				new BigDecimal("1.000000000000000001"), new BigDecimal("1.5"), new BigDecimal("100"),
				new BigDecimal("1E+400"), new BigDecimal("0.30000000000000004"), 1.1f, (short) 3, Long.MAX_VALUE);
		return Arbitraries.oneOf(decimals, shortDecimals, bigIntegers, longs, ints, doubles, anyDoubles, special)
			.list()
			.ofMinSize(1)
			.ofMaxSize(8);
	}

	@Property(tries = 25)
	void numbersKeepTheirExactValueAndTypeOnEveryStore(@ForAll("numberLists") List<Number> numbers) {
		Map<String, Object> value = new LinkedHashMap<>();
		for (int i = 0; i < numbers.size(); i++) {
			value.put("n" + i, numbers.get(i));
		}
		value.put("list", numbers);
		value.put("nested", Map.of("deeper", List.of(Map.of("x", numbers.get(0)))));
		for (Store store : newStores()) {
			try (store) {
				try (StateController controller = StateController.create(store.open())) {
					List<Object> heard = new CopyOnWriteArrayList<>();
					controller.subscribe("/v/*", (event) -> heard.add(event.newValue()));
					assertThat(controller.set("/v", value)).isTrue();
					assertThat(controller.set("/m/v", value)).isTrue();
					assertExact(controller.get("/v"), numbers, store);
					assertExact(controller.get("/m/v"), numbers, store);
					assertThat(StateValues.equal(controller.get("/"), Map.of("v", value, "m", Map.of("v", value))))
						.isTrue();
					// the next value at the last digit is a change: written, read back, heard
					for (int i = 0; i < numbers.size(); i++) {
						Number next = next(numbers.get(i));
						assertThat(controller.set("/v/n" + i, next)).as("%s after %s on %s", next, numbers.get(i), store)
							.isTrue();
						assertSame(controller.get("/v/n" + i), next, store);
						assertThat(controller.set("/v/n" + i, numbers.get(i))).isTrue();
					}
					soon()
						.untilAsserted(() -> assertThat(heard).hasSizeGreaterThanOrEqualTo(2 * numbers.size()));
				}
				if (store.persistent()) {
					try (StateController reopened = StateController.create(store.open())) {
						assertExact(reopened.get("/v"), numbers, store);
						assertExact(reopened.get("/m/v"), numbers, store);
					}
				}
			}
		}
	}

	@Example
	void theIssuesBalanceKeepsItsValueAcrossAReopenAndTheNextWriteIsNotLost() {
		for (Store store : newStores()) {
			try (store) {
				try (StateController controller = StateController.create(store.open())) {
					controller.set("/wallet/balance", new BigDecimal("1.000000000000000001"));
				}
				if (!store.persistent()) {
					continue;
				}
				try (StateController reopened = StateController.create(store.open())) {
					assertThat(reopened.get("/wallet/balance")).as("on %s", store)
						.isEqualTo(new BigDecimal("1.000000000000000001"));
					List<Object> heard = new CopyOnWriteArrayList<>();
					reopened.subscribe("/wallet/balance", (event) -> heard.add(event.newValue()));
					assertThat(reopened.set("/wallet/balance", new BigDecimal("1.000000000000000002"))).isTrue();
					assertThat(reopened.get("/")).isEqualTo(
							Map.of("wallet", Map.of("balance", new BigDecimal("1.000000000000000002"))));
					soon().untilAsserted(() -> assertThat(heard).containsExactly(new BigDecimal("1.000000000000000002")));
				}
			}
		}
	}

	private static void assertExact(Object read, List<Number> numbers, Store store) {
		assertThat(read).as("on %s", store).isInstanceOf(Map.class);
		Map<?, ?> map = (Map<?, ?>) read;
		List<?> list = (List<?>) map.get("list");
		for (int i = 0; i < numbers.size(); i++) {
			assertSame(map.get("n" + i), numbers.get(i), store);
			assertSame(list.get(i), numbers.get(i), store);
		}
		Object first = ((Map<?, ?>) ((List<?>) ((Map<?, ?>) map.get("nested")).get("deeper")).get(0)).get("x");
		assertSame(first, numbers.get(0), store);
	}

	/** Same Java type as the model gives the written number, and the same value (and scale). */
	private static void assertSame(Object read, Number written, Store store) {
		Object expected = expectedModel(written);
		assertThat(read).as("%s (%s) on %s", written, written.getClass().getSimpleName(), store)
			.isInstanceOf(expected.getClass())
			.isEqualTo(expected);
	}

	private static Object expectedModel(Number written) {
		if (written instanceof Float f) {
			return Double.parseDouble(f.toString());
		}
		if (written instanceof BigDecimal || written instanceof Double) {
			return written;
		}
		return StateValues.normalizeNumber(written);
	}

	/** The nearest different number of the same kind. */
	private static Number next(Number n) {
		if (n instanceof BigDecimal d) {
			return d.add(BigDecimal.ONE.movePointLeft(Math.max(d.scale(), 0) + 1));
		}
		if (n instanceof Double d) {
			double up = Math.nextUp(d);
			return Double.isFinite(up) ? up : Math.nextDown(d);
		}
		if (n instanceof Float f) {
			return Math.nextUp((double) f);
		}
		if (n instanceof BigInteger b) {
			return b.add(BigInteger.ONE);
		}
		long l = n.longValue();
		return (l == Long.MAX_VALUE) ? BigInteger.valueOf(l).add(BigInteger.ONE) : (Number) (l + 1);
	}

	// ------------------------------------------------------------------ nesting

	@Property(tries = 20)
	void nestingAroundThePathLimitIsAcceptedOrRefusedWithNothingWritten(
			@ForAll @IntRange(min = 2, max = 4) int pathDepth, @ForAll @IntRange(min = -3, max = 3) int offset,
			@ForAll long seed, @ForAll boolean inBatch) {
		int levels = StatePath.MAX_DEPTH - pathDepth + offset;
		boolean fits = offset <= 0;
		Random random = new Random(seed);
		Object value = "leaf";
		for (int i = 0; i < levels; i++) {
			value = random.nextInt(3) == 0 ? List.of(value) : Map.of("k" + random.nextInt(3), value);
		}
		List<String> segments = new ArrayList<>();
		for (int i = 0; i < pathDepth; i++) {
			segments.add((i == 0) ? (random.nextBoolean() ? "m" : "d") : "p" + i);
		}
		StatePath path = StatePath.ofSegments(segments);
		Object written = value;
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				List<StateEvent> heard = new CopyOnWriteArrayList<>();
				controller.subscribe("/**", heard::add);
				long revision = controller.revision();
				Runnable write = () -> {
					if (inBatch) {
						controller.batch(() -> {
							controller.set("/other", 1);
							controller.set(path, written);
						});
					}
					else {
						controller.set(path, written);
					}
				};
				if (fits) {
					write.run();
					assertThat(StateValues.equal(controller.get(path), written)).as("on %s", store).isTrue();
					assertThat(controller.get("/")).isNotNull();
					soon().untilAsserted(() -> assertThat(heard).isNotEmpty());
					assertThat(controller.delete(path)).isTrue();
					assertThat(controller.get(path)).isNull();
				}
				else {
					assertThatThrownBy(write::run).as("on %s", store)
						.isInstanceOf(StateValueException.class)
						.hasMessageContaining(path.toString())
						.hasMessageContaining("more than " + StatePath.MAX_DEPTH + " segments");
					assertThat(controller.get("/")).as("on %s", store).isEqualTo(Map.of());
					assertThat(controller.revision()).isEqualTo(revision);
					assertThat(heard).isEmpty();
				}
			}
		}
	}

	// ------------------------------------------------------------------ keys

	@Provide
	Arbitrary<String> badKeys() {
		Arbitrary<String> word = Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(6);
		return Arbitraries.oneOf(Arbitraries.of("", ".", "..", "*", "**"),
				Combinators.combine(word, word).as((a, b) -> a + "/" + b),
				word.map((w) -> "{" + w + "x}"),
				Combinators.combine(word, Arbitraries.chars().range('\u0000', '\u001f'), word)
					.as((a, c, b) -> a + c + b),
				Combinators.combine(word, Arbitraries.chars().range('\u007f', '\u009f')).as((a, c) -> a + c),
				Arbitraries.strings().alpha().ofMinLength(256).ofMaxLength(300),
				Combinators.combine(word, Arbitraries.chars().range('\uD800', '\uDFFF'), word)
					.as((a, c, b) -> a + c + b),
				Arbitraries.strings().withCharRange('\u0800', '\u0fff').ofMinLength(86).ofMaxLength(120));
	}

	@Property(tries = 30)
	void keysThatAreNotPathSegmentsAreRefusedNamingTheKey(@ForAll("badKeys") String key,
			@ForAll @IntRange(min = 0, max = 3) int depth, @ForAll boolean throughAnArray) {
		Object value = Map.of(key, 1, "fine", 2);
		for (int i = 0; i < depth; i++) {
			value = (throughAnArray && i == 0) ? List.of("x", value) : Map.of("k", value);
		}
		Object written = value;
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				long revision = controller.revision();
				assertThatThrownBy(() -> controller.set("/users/1", written)).as("on %s", store)
					.isInstanceOf(InvalidPathException.class)
					.hasMessageContaining("object key '" + printable(key) + "'")
					.hasMessageContaining("/users/1");
				assertThat(controller.get("/")).isEqualTo(Map.of());
				assertThat(controller.revision()).isEqualTo(revision);
			}
		}
	}

	// ------------------------------------------------------------------ text

	@Provide
	Arbitrary<String> textWithoutUtf8Form() {
		Arbitrary<String> word = Arbitraries.strings()
			.withCharRange('a', 'z')
			.withCharRange('\u00a0', '\u07ff')
			.ofMaxLength(6);
		Arbitrary<Character> lone = Arbitraries.chars().range('\uD800', '\uDFFF');
		return Combinators.combine(word, lone, word, Arbitraries.of("", "\uD83D\uDE00"))
			.as((a, c, b, pair) -> pair + a + c + b + pair);
	}

	/**
	 * An unpaired surrogate has no UTF-8 form: YAML files and Redis stored another character in
	 * its place (a later read differed from what was written) and a JSON file holding one as a key
	 * could no longer be parsed, so every read of the tree failed. Refused before anything is
	 * written, as a string anywhere in the value, a key or a path segment.
	 */
	@Property(tries = 15)
	void textWithoutAUtf8FormIsRefusedWithNothingWritten(@ForAll("textWithoutUtf8Form") String text,
			@ForAll @IntRange(min = 0, max = 3) int where) {
		Object value = switch (where) {
			case 0 -> text;
			case 1 -> List.of(1, text);
			case 2 -> Map.of("a", Map.of("b", text));
			default -> new Holder(text, List.of(text));
		};
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				long revision = controller.revision();
				assertThatThrownBy(() -> controller.set("/text/t", value)).as("on %s", store)
					.isInstanceOf(StateValueException.class)
					.hasMessageContaining("/text/t")
					.hasMessageContaining("unpaired surrogate")
					.hasMessageNotContaining(text);
				assertThatThrownBy(() -> controller.set("/keys", Map.of(text, 1))).as("on %s", store)
					.isInstanceOf(InvalidPathException.class)
					.hasMessageContaining("object key '" + printable(text) + "'")
					.hasMessageContaining("unpaired surrogate");
				assertThatThrownBy(() -> controller.set(StatePath.ROOT.child("p").toString() + "/" + text, 1))
					.as("on %s", store)
					.isInstanceOf(InvalidPathException.class);
				assertThat(controller.get("/")).isEqualTo(Map.of());
				assertThat(controller.revision()).isEqualTo(revision);
			}
		}
	}

	/** A record the application's mapper converts (the fallback path). */
	record Holder(String text, List<String> texts) {
	}

	@Example
	void pairedSurrogatesAndOddKeysKeepTheirTextOnEveryStore() {
		String emoji = "a\uD83D\uDE00b";
		Map<String, Object> value = new LinkedHashMap<>();
		value.put(emoji, emoji);
		value.put("% 20%", "é ü");
		value.put("\u65e5".repeat(85), List.of(emoji));
		for (Store store : newStores()) {
			try (store) {
				try (StateController controller = StateController.create(store.open())) {
					assertThat(controller.set("/k", value)).isTrue();
					assertThat(controller.get("/k")).as("on %s", store).isEqualTo(value);
				}
				if (store.persistent()) {
					try (StateController reopened = StateController.create(store.open())) {
						assertThat(reopened.get("/")).as("on %s", store).isEqualTo(Map.of("k", value));
					}
				}
			}
		}
	}

	enum Color {

		RED {
			@Override
			public String toString() {
				return "red";
			}
		},
		GREEN

	}

	record Paint(Color color) {
	}

	/**
	 * Map keys 1 and "1" both become the segment "1": one entry was silently dropped. Refused,
	 * nothing written.
	 */
	@Example
	void mapKeysThatBecomeTheSameSegmentAreRefused() {
		Map<Object, Object> colliding = new LinkedHashMap<>();
		colliding.put(1, "a");
		colliding.put("1", "b");
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				assertThatThrownBy(() -> controller.set("/m", Map.of("x", colliding))).as("on %s", store)
					.isInstanceOf(StateValueException.class)
					.hasMessageContaining("/m/x")
					.hasMessageContaining("'1'");
				assertThat(controller.get("/")).isEqualTo(Map.of());
				assertThat(controller.revision()).isZero();
			}
		}
	}

	/**
	 * An enum written on its own was stored by {@code name()} while the application's mapper
	 * (inside a record, and on a typed read) uses its {@code toString()}: the typed read of what
	 * was just written failed. Now it is stored as the mapper writes it, wherever it is.
	 */
	@Example
	void enumsAreStoredAsTheMapperWritesThemAndReadBackTyped() {
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				controller.set("/e/direct", Color.RED);
				controller.set("/e/list", List.of(Color.RED, Color.GREEN));
				controller.set("/e/record", new Paint(Color.RED));
				assertThat(controller.get("/e/direct", Color.class)).as("on %s", store).isEqualTo(Color.RED);
				assertThat(controller.get(StatePath.of("/e/list"), new TypeRef<List<Color>>() {
				})).containsExactly(Color.RED, Color.GREEN);
				assertThat(controller.get("/e/record", Paint.class)).isEqualTo(new Paint(Color.RED));
				assertThat(controller.get("/e/direct")).isEqualTo(((Map<?, ?>) controller.get("/e/record")).get("color"));
			}
		}
	}

	/**
	 * 2^60 as a double is stored (files, Redis) as 1.15292150460684698E18, the decimal
	 * 1152921504606846980. The long 1152921504606846976 written over it was "equal" (same binary
	 * value), returned false and was lost; the decimal it prints as is the equal one.
	 */
	@Example
	void aLongWrittenOverALargeDoubleThatPrintsDifferentlyIsAChange() {
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				List<Object> heard = new CopyOnWriteArrayList<>();
				controller.subscribe("/x", (event) -> heard.add(event.newValue()));
				assertThat(controller.set("/x", 0x1p60)).isTrue();
				assertThat(controller.set("/x", 1152921504606846976L)).as("on %s", store).isTrue();
				assertThat(controller.get("/x")).isEqualTo(1152921504606846976L);
				assertThat(controller.set("/x", 0x1p60)).isTrue();
				assertThat(controller.set("/x", new BigDecimal("1152921504606846980"))).isFalse();
				assertThat(controller.set("/x", 1152921504606846980L)).isFalse();
				if (equalWritesKeepTheStoredValue()) {
					assertThat(controller.get("/x")).as("on %s", store).isEqualTo(0x1p60);
				}
				soon().untilAsserted(() -> assertThat(heard).containsExactly(0x1p60, 1152921504606846976L, 0x1p60));
			}
		}
	}

	/**
	 * Writing an equal number of another type changes nothing, not even the type read back: the
	 * caching backend put the new value in its copy although the store below kept the old one,
	 * so reads answered 1.0 (Double) until a restart brought back 1 (Integer).
	 */
	@Example
	void anEqualWriteOfAnotherTypeChangesNothingOnEveryStore() {
		List<Object[]> pairs = List.of(new Object[] { 1, 1.0 }, new Object[] { 0.1, new BigDecimal("0.1") },
				new Object[] { new BigDecimal("1.50"), new BigDecimal("1.5") }, new Object[] { 5_000_000_000L,
						new BigDecimal("5E+9") },
				new Object[] { Map.of("n", 2), Map.of("n", 2.0) });
		for (Store store : newStores()) {
			try (store) {
				try (StateController controller = StateController.create(store.open())) {
					for (int i = 0; i < pairs.size(); i++) {
						controller.set("/eq/" + i, pairs.get(i)[0]);
						long revision = controller.revision();
						assertThat(controller.set("/eq/" + i, pairs.get(i)[1])).as("on %s", store).isFalse();
						assertThat(controller.revision()).isEqualTo(revision);
						if (equalWritesKeepTheStoredValue()) {
							assertSameTree(controller.get("/eq/" + i), pairs.get(i)[0], store);
						}
					}
				}
				if (store.persistent() && equalWritesKeepTheStoredValue()) {
					try (StateController reopened = StateController.create(store.open())) {
						for (int i = 0; i < pairs.size(); i++) {
							assertSameTree(reopened.get("/eq/" + i), pairs.get(i)[0], store);
						}
					}
				}
			}
		}
	}

	private static void assertSameTree(Object read, Object written, Store store) {
		if (written instanceof Map<?, ?> map) {
			map.forEach((key, value) -> assertSameTree(((Map<?, ?>) read).get(key), value, store));
			return;
		}
		assertSame(read, (Number) written, store);
	}

	/** Other JDK numbers keep their kind: a LongAdder was stored as a BigDecimal. */
	@Example
	void adderAndAccumulatorNumbersKeepTheirKind() {
		java.util.concurrent.atomic.LongAdder adder = new java.util.concurrent.atomic.LongAdder();
		adder.add(5_000_000_000L);
		java.util.concurrent.atomic.DoubleAdder doubles = new java.util.concurrent.atomic.DoubleAdder();
		doubles.add(0.1);
		for (Store store : newStores()) {
			try (store; StateController controller = StateController.create(store.open())) {
				controller.set("/n", List.of(adder, doubles, new java.util.concurrent.atomic.LongAdder()));
				assertThat(controller.get("/n")).as("on %s", store).isEqualTo(List.of(5_000_000_000L, 0.1, 0));
				List<?> read = (List<?>) controller.get("/n");
				assertThat(read.get(0)).isInstanceOf(Long.class);
				assertThat(read.get(1)).isInstanceOf(Double.class);
				assertThat(read.get(2)).isInstanceOf(Integer.class);
				java.util.concurrent.atomic.DoubleAdder nan = new java.util.concurrent.atomic.DoubleAdder();
				nan.add(Double.NaN);
				assertThatThrownBy(() -> controller.set("/nan", nan)).isInstanceOf(StateValueException.class)
					.hasMessageContaining("/nan");
			}
		}
	}

	private static String printable(String text) {
		StringBuilder sb = new StringBuilder();
		text.codePoints().forEach((cp) -> {
			int type = Character.getType(cp);
			if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE) {
				sb.append(String.format("\\u%04x", cp));
			}
			else {
				sb.appendCodePoint(cp);
			}
		});
		return sb.toString();
	}

}
