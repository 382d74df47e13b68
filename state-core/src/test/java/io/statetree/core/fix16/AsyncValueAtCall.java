package io.statetree.core.fix16;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.Subscription;
import io.statetree.core.WriteOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One check of finding 1 of issue 16, shared by the core and the Redis properties: a random
 * mutable value (lists, maps and beans, nested) handed to an async write method and changed
 * right after the call is stored, and heard by a listener, as it was at the call.
 */
public final class AsyncValueAtCall {

	/** The async write methods that take a value. */
	public enum Method {

		SET, SET_WITH_EQUALITY, SET_WITH_TTL, SET_ALL, SET_ALL_MAP_CHANGED

	}

	/** A mutable bean, mapped by Jackson to an object with {@code name} and {@code items}. */
	public static final class Box {

		private String name;

		private List<Object> items;

		Box(String name, List<Object> items) {
			this.name = name;
			this.items = items;
		}

		public String getName() {
			return this.name;
		}

		public List<Object> getItems() {
			return this.items;
		}

	}

	private AsyncValueAtCall() {
	}

	/**
	 * Writes a random value at {@code path} through {@code method}, changes it after the call,
	 * and asserts the stored value and the last event heard at the path equal the value at the call.
	 */
	public static void check(StateController c, String path, Method method, long seed) {
		Random random = new Random(seed);
		Object value = randomContainer(random, 0);
		Object expected = plain(value);
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		Subscription subscription = c.subscribe(path, heard::add);
		try {
			Map<String, Object> writes = new LinkedHashMap<>();
			writes.put(path, value);
			CompletableFuture<Boolean> future = switch (method) {
				case SET -> c.async().set(path, value);
				case SET_WITH_EQUALITY -> c.async().set(path, value, WriteOptions.equality((a, b) -> false));
				case SET_WITH_TTL -> c.async().set(path, value, WriteOptions.ttl(Duration.ofHours(1)));
				case SET_ALL, SET_ALL_MAP_CHANGED -> c.async().setAll(writes);
			};
			mutate(value, random);
			if (method == Method.SET_ALL_MAP_CHANGED) {
				writes.put(path, List.of("replaced"));
			}
			assertThat(future.orTimeout(30, TimeUnit.SECONDS).join()).isTrue();
			assertThat(c.get(path)).as("stored at %s via %s", path, method).isEqualTo(expected);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(heard).isNotEmpty());
			assertThat(heard.get(heard.size() - 1).newValue()).as("heard at %s via %s", path, method)
				.isEqualTo(expected);
		}
		finally {
			subscription.close();
		}
	}

	private static Object randomContainer(Random random, int depth) {
		int size = 1 + random.nextInt(3);
		switch (random.nextInt(3)) {
			case 0 -> {
				List<Object> list = new ArrayList<>();
				for (int i = 0; i < size; i++) {
					list.add(randomValue(random, depth + 1));
				}
				return list;
			}
			case 1 -> {
				Map<String, Object> map = new LinkedHashMap<>();
				for (int i = 0; i < size; i++) {
					map.put("k" + i, randomValue(random, depth + 1));
				}
				return map;
			}
			default -> {
				List<Object> items = new ArrayList<>();
				for (int i = 0; i < size; i++) {
					items.add(randomValue(random, depth + 1));
				}
				return new Box("b" + random.nextInt(10), items);
			}
		}
	}

	private static Object randomValue(Random random, int depth) {
		if (depth < 3 && random.nextBoolean()) {
			return randomContainer(random, depth);
		}
		return random.nextBoolean() ? (Object) random.nextInt(1000) : "s" + random.nextInt(1000);
	}

	/** The value as Jackson maps it, copied: what a read returns. */
	private static Object plain(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(AsyncValueAtCall::plain).toList();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((k, v) -> copy.put((String) k, plain(v)));
			return copy;
		}
		if (value instanceof Box box) {
			Map<String, Object> copy = new LinkedHashMap<>();
			copy.put("name", box.name);
			copy.put("items", plain(box.items));
			return copy;
		}
		return value;
	}

	/** Changes every container in the value, deepest first, so any late conversion shows. */
	@SuppressWarnings("unchecked")
	private static void mutate(Object value, Random random) {
		if (value instanceof List<?> list) {
			list.forEach((v) -> mutate(v, random));
			((List<Object>) list).add("late" + random.nextInt(10));
		}
		else if (value instanceof Map<?, ?> map) {
			map.values().forEach((v) -> mutate(v, random));
			((Map<String, Object>) map).put("late", random.nextInt(10));
		}
		else if (value instanceof Box box) {
			mutate(box.items, random);
			box.name = "late";
		}
	}

}
