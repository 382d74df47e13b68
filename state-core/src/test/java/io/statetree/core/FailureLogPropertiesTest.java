package io.statetree.core;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures of derivations and effects that read a stored value as a type it does not fit (or
 * parse it themselves) are logged and counted, and the log never quotes the value: random
 * secret-looking strings stored in random shapes, read as random types.
 */
class FailureLogPropertiesTest {

	/** A type no stored string or secret-holding object converts to. */
	record Point(int x, int y) {
	}

	private static final List<Class<?>> TYPES = List.of(Integer.class, Long.class, Double.class, Boolean.class,
			BigDecimal.class, Point.class, Map.class, List.class);

	@Provide
	Arbitrary<String> secrets() {
		return Arbitraries.strings().alpha().numeric().ofMinLength(6).ofMaxLength(24).map((s) -> "zqSECRET" + s);
	}

	@Property(tries = 60)
	void failureLogsNeverQuoteTheStoredValue(@ForAll("secrets") String secret, @ForAll @IntRange(max = 2) int shape,
			@ForAll @IntRange(max = 7) int typeIndex, @ForAll @IntRange(max = 3) int reader) {
		Class<?> type = TYPES.get(typeIndex);
		Object stored = switch (shape) {
			case 0 -> secret;
			case 1 -> Map.of("x", secret, "y", 1);
			default -> List.of(1, secret);
		};
		if (type == Map.class && shape == 1 || type == List.class && shape == 2) {
			type = Point.class;
		}
		Class<?> target = type;
		try (StateController controller = StateController.builder().onError(StateController.OnError.LOG).build();
				LogCapture log = LogCapture.controller()) {
			controller.set("/vault/item", stored);
			switch (reader) {
				case 0 -> controller.derive("/out/typed", "/vault/item", target, (v) -> v);
				case 1 -> controller.deriveMany("/out/many", List.of("/vault/item"), (data) -> data.get("/vault/item", target));
				case 2 -> controller.deriveTracked("/out/view", (view) -> view.get("/vault/item", target));
				default -> controller.track((e) -> e.get("/vault/item", target));
			}
			assertThat(log.lines()).as("a failure is logged").isNotEmpty()
				.allSatisfy((line) -> assertThat(line).doesNotContain(secret).contains("/vault/item"));
		}
	}

}
