package io.statetree.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write the controller reports as no change leaves the stored value untouched, byte for byte,
 * on every backend: random trees of branches and arrays (arrays holding objects too) are written,
 * then written again with every number spelled another way that denotes the same decimal (another
 * scale, an integer as a decimal, a double as its decimal). The second write must return false,
 * take no revision and no history entry, and every read, in this controller and after a reopen,
 * must give back the first value exactly: the same Java types and the same scales, as memory keeps
 * them (the model).
 */
public abstract class AbstractEqualWritesProperties {

	/** One store: each {@link #open()} gives a new backend over the same storage. */
	protected interface Opener extends AutoCloseable {

		StateBackend open();

		boolean persistent();

		@Override
		void close();

	}

	/**
	 * Creates fresh, empty stores.
	 * @return the stores, closed by the caller
	 */
	protected abstract List<Opener> newStores();

	@Property(tries = 40)
	void anEqualRewriteWithOtherSpellingsLeavesTheStoredValue(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
			@ForAll @IntRange(min = 1, max = 6) int width) {
		Map<String, Object> first = new LinkedHashMap<>();
		Map<String, Object> second = new LinkedHashMap<>();
		Random random = new Random(seed);
		tree(random, width, 0, first, second);
		for (Opener store : newStores()) {
			try (store) {
				Object stored;
				try (StateController controller = StateController.create(store.open())) {
					assertThat(controller.set("/t", first)).isTrue();
					stored = controller.get("/t");
					long revision = controller.revision();
					int history = controller.history(0, 1_000).size();
					assertThat(controller.set("/t", second)).as("on %s: %s then %s", store, first, second).isFalse();
					assertThat(controller.revision()).as("on %s", store).isEqualTo(revision);
					assertThat(controller.history(0, 1_000)).as("on %s", store).hasSize(history);
					assertExact(controller.get("/t"), stored, store + " after the equal write");
					// the same for one leaf deep inside, written alone
					String leaf = firstLeaf(first, "/t");
					if (leaf != null) {
						Object old = controller.get(leaf);
						controller.set(leaf, respell(old, new Random(seed)));
						assertExact(controller.get(leaf), old, store + " at " + leaf);
					}
				}
				if (store.persistent()) {
					try (StateController reopened = StateController.create(store.open())) {
						assertExact(reopened.get("/t"), stored, store + " reopened");
					}
				}
			}
		}
	}

	/** Builds two trees of the same shape whose numbers are equal but spelled differently. */
	private static void tree(Random random, int width, int depth, Map<String, Object> first,
			Map<String, Object> second) {
		for (int i = 0; i < width; i++) {
			String key = "k" + i;
			int kind = random.nextInt((depth < 2) ? 4 : 2);
			if (kind == 0 || kind == 1 && depth >= 2) {
				Object n = number(random);
				first.put(key, n);
				second.put(key, respell(n, random));
			}
			else if (kind == 1) {
				List<Object> a = new ArrayList<>();
				List<Object> b = new ArrayList<>();
				for (int j = random.nextInt(4); j >= 0; j--) {
					if (random.nextInt(4) == 0) {
						Map<String, Object> ma = new LinkedHashMap<>();
						Map<String, Object> mb = new LinkedHashMap<>();
						tree(random, 1 + random.nextInt(2), 2, ma, mb);
						a.add(ma);
						b.add(mb);
					}
					else {
						Object n = number(random);
						a.add(n);
						b.add(respell(n, random));
					}
				}
				first.put(key, a);
				second.put(key, b);
			}
			else {
				Map<String, Object> ma = new LinkedHashMap<>();
				Map<String, Object> mb = new LinkedHashMap<>();
				tree(random, 1 + random.nextInt(3), depth + 1, ma, mb);
				first.put(key, ma);
				second.put(key, mb);
			}
		}
	}

	private static Object number(Random random) {
		switch (random.nextInt(4)) {
			case 0:
				return random.nextInt(2_000_001) - 1_000_000;
			case 1:
				return BigDecimal.valueOf(random.nextInt(2_000_001) - 1_000_000, random.nextInt(6));
			case 2:
				return (random.nextInt(2_000_001) - 1_000_000) / 64.0;
			default:
				return new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(30));
		}
	}

	/** The same decimal spelled another way. */
	private static Object respell(Object value, Random random) {
		if (value instanceof Integer n) {
			return BigDecimal.valueOf(n).setScale(1 + random.nextInt(3));
		}
		if (value instanceof Double d) {
			return new BigDecimal(Double.toString(d)).setScale(new BigDecimal(Double.toString(d)).scale() + 1);
		}
		if (value instanceof BigDecimal d) {
			BigDecimal stripped = d.stripTrailingZeros();
			return stripped.scale() != d.scale() && random.nextBoolean() ? stripped : d.setScale(d.scale() + 1 + random.nextInt(2));
		}
		if (value instanceof Long n) {
			return BigDecimal.valueOf(n).setScale(2);
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			map.forEach((k, v) -> out.put(k.toString(), respell(v, random)));
			return out;
		}
		if (value instanceof List<?> list) {
			List<Object> out = new ArrayList<>();
			list.forEach((v) -> out.add(respell(v, random)));
			return out;
		}
		return value;
	}

	private static String firstLeaf(Map<String, Object> tree, String at) {
		for (Map.Entry<String, Object> entry : tree.entrySet()) {
			if (entry.getValue() instanceof Map<?, ?> map) {
				@SuppressWarnings("unchecked")
				String found = firstLeaf((Map<String, Object>) map, at + "/" + entry.getKey());
				if (found != null) {
					return found;
				}
			}
			else {
				return at + "/" + entry.getKey();
			}
		}
		return null;
	}

	/** Equal with the same Java types and scales all the way down (the model's equals ignores both). */
	static void assertExact(Object read, Object expected, Object where) {
		Supplier<String> message = () -> "on " + where + ": read " + read + ", expected " + expected;
		if (expected instanceof Map<?, ?> map) {
			assertThat(read).as(message.get()).isInstanceOf(Map.class);
			assertThat(((Map<?, ?>) read).keySet()).as(message.get()).isEqualTo(map.keySet());
			map.forEach((k, v) -> assertExact(((Map<?, ?>) read).get(k), v, where));
		}
		else if (expected instanceof List<?> list) {
			assertThat(read).as(message.get()).isInstanceOf(List.class);
			assertThat((List<?>) read).as(message.get()).hasSameSizeAs(list);
			for (int i = 0; i < list.size(); i++) {
				assertExact(((List<?>) read).get(i), list.get(i), where);
			}
		}
		else {
			assertThat(read).as(message.get()).isNotNull();
			assertThat(read.getClass()).as(message.get()).isEqualTo(expected.getClass());
			assertThat(read).as(message.get()).isEqualTo(expected);
		}
	}

}
