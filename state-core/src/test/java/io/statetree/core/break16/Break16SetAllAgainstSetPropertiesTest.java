package io.statetree.core.break16;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code setAll} of one path against {@code set} of it (README "Multi-path writes"): for odd
 * paths and values a new user might pass (empty containers, nulls inside, NaN, odd keys, objects
 * Jackson cannot map), the sync {@code setAll}, the async {@code setAll} and {@code set} give the
 * same outcome: the same exception class (wrapped in {@link CompletionException} for async), or
 * the same tree; a refusal writes nothing.
 */
class Break16SetAllAgainstSetPropertiesTest {

	/** A bean Jackson cannot serialise (no properties). */
	static final class Empty {

	}

	@Provide
	Arbitrary<String> paths() {
		return Arbitraries.of("/m/x", "/m/seed/x", "/m", "m/x", "/m/x/", "", "/m//x", "/m/x y", "/m/*", "/m/x.y",
				"/m/x\u0000", "/m/\u00e9", "/m/seed");
	}

	@Provide
	Arbitrary<Object> values() {
		List<Object> odd = new ArrayList<>();
		odd.add(1);
		odd.add("text");
		odd.add(Map.of());
		odd.add(List.of());
		odd.add(Map.of("a", Map.of()));
		Map<String, Object> withNull = new HashMap<>();
		withNull.put("a", null);
		withNull.put("b", 1);
		odd.add(withNull);
		odd.add(Arrays.asList(1, null));
		odd.add(Map.of("a/b", 1));
		odd.add(Map.of("", 1));
		odd.add(Map.of("*", 1));
		odd.add(Double.NaN);
		odd.add(Double.POSITIVE_INFINITY);
		odd.add(new BigDecimal("1.50"));
		odd.add(Long.MAX_VALUE);
		odd.add(new Empty());
		odd.add(new Object());
		odd.add(new byte[] { 1, 2 });
		odd.add(Map.of("seed", 1, "x", Map.of("y", List.of(Map.of()))));
		odd.add(true);
		return Arbitraries.of(odd);
	}

	private static String outcome(StateController c, Runnable call) {
		try {
			call.run();
			return "ok " + c.get("/") + " r" + c.revision();
		}
		catch (CompletionException ex) {
			return "async! " + ex.getCause().getClass().getName() + " tree " + c.get("/") + " r" + c.revision();
		}
		catch (RuntimeException ex) {
			return "! " + ex.getClass().getName() + " tree " + c.get("/") + " r" + c.revision();
		}
	}

	@Property(tries = 100)
	void oneWriteThroughSetAllIsASet(@ForAll("paths") String path, @ForAll("values") Object value) {
		for (Break16Backends backend : Break16Backends.values()) {
			String set;
			String setAll;
			String asyncSetAll;
			try (StateController c = backend.newController()) {
				c.set("/m/seed", 1);
				set = outcome(c, () -> c.set(path, value));
			}
			try (StateController c = backend.newController()) {
				c.set("/m/seed", 1);
				Map<String, Object> writes = new LinkedHashMap<>();
				writes.put(path, value);
				setAll = outcome(c, () -> c.setAll(writes));
			}
			try (StateController c = backend.newController()) {
				c.set("/m/seed", 1);
				Map<String, Object> writes = new LinkedHashMap<>();
				writes.put(path, value);
				asyncSetAll = outcome(c, () -> c.async().setAll(writes).orTimeout(20, TimeUnit.SECONDS).join());
			}
			assertThat(setAll).as(backend + " setAll against set").isEqualTo(set);
			assertThat(asyncSetAll).as(backend + " async setAll against set")
				.isEqualTo(set.startsWith("!") ? "async" + set : set);
		}
	}

}
