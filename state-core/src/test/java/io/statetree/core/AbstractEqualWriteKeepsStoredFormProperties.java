package io.statetree.core;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A write that makes no revision leaves every read as it was; only its lifetime applies (DESIGN
 * §11, §12). Random steps on a few leaves and one object: sets of decimals at random scales
 * ({@code 1}, {@code 1.0}, {@code 1.00}: equal values in other forms), objects with their keys in
 * a random order, each with or without a time to live, through {@code set}, {@code setAll},
 * the asynchronous {@code set}, {@code update}, a batch and a custom equality; deletes; steps of
 * virtual time; an equal write elsewhere (which lets the backend settle what fell due). After every
 * step each path prints, by {@code get}, typed {@code get}, {@code getVersioned} and
 * {@code snapshot}, the form a model keeps (the first form of an equal run of writes, absent past
 * its due time), the two versioned reads at the controller's revision; a present value prints as
 * the last event and the last history entry at its path say; and a near cache's delegate holds
 * what the cache answers. Each backend's class supplies {@link #newBackend}.
 */
public abstract class AbstractEqualWriteKeepsStoredFormProperties {

	/**
	 * Creates a fresh, empty backend reading time from the given clock.
	 * @param nanoClock the virtual monotonic clock, in nanoseconds
	 * @param scratch an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(LongSupplier nanoClock, Path scratch);

	/**
	 * Whether the backend reads a clock of its own (Redis: the server's), so time steps are
	 * skipped and times to live are long enough never to pass during a try.
	 * @return {@code true} for a real clock
	 */
	protected boolean realTime() {
		return false;
	}

	/** Every path written and read: leaves under one parent, one under {@code /m}, an object. */
	private static final List<String> LEAVES = List.of("/a/x", "/a/y", "/m/x");

	private static final String OBJECT = "/o";

	private static final List<String> READ = List.of("/a/x", "/a/y", "/m/x", "/o", "/a", "/m");

	/** How a step writes. */
	enum Via {

		SET, SET_ALL, ASYNC_SET, UPDATE, BATCH, EQUALITY

	}

	/**
	 * One step.
	 * @param kind 0 to 2 a write, 3 a delete, 4 time passes, 5 an equal write of {@code /tick}
	 * @param path a leaf, or the object
	 * @param value 1 or 2
	 * @param scale the decimal's scale (0 to 3); for the object, whether its keys come reversed
	 * @param millis the time to live (0: none), or how much time passes
	 * @param via how it writes
	 */
	record Step(int kind, String path, int value, int scale, long millis, Via via) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<String> paths = Arbitraries.oneOf(Arbitraries.of(LEAVES), Arbitraries.just(OBJECT));
		return Combinators
			.combine(Arbitraries.integers().between(0, 5), paths, Arbitraries.integers().between(1, 2),
					Arbitraries.integers().between(0, 3),
					Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 3_000)),
					Arbitraries.of(Via.class))
			.as(Step::new)
			.list()
			.ofMinSize(1)
			.ofMaxSize(25);
	}

	@Property(tries = 150)
	void aWriteWithoutARevisionChangesNoRead(@ForAll("steps") List<Step> steps) throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000_000L);
		Path scratch = Files.createTempDirectory("statetree-equal-form-props");
		StateBackend backend = newBackend(clock::get, scratch);
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		Model model = new Model();
		try (StateController c = StateController.builder()
			.backend(backend)
			.dispatch(StateController.Dispatch.SYNC)
			.build()) {
			c.subscribe("/**", events::add);
			c.set("/tick", 0);
			for (Step step : steps) {
				long now = clock.get();
				if (step.kind() <= 3) {
					model.expire(now);
				}
				apply(c, model, step, now, clock);
				if (step.kind() == 4) {
					// what fell due is expired by the next write (else a sweep may commit it while the
					// reads below run): an equal write of /tick, which also lets the backend settle
					c.set("/tick", 0);
					model.expire(clock.get());
				}
				check(c, backend, model, events, clock.get(), "after " + step);
			}
		}
		finally {
			try (Stream<Path> walk = Files.walk(scratch)) {
				for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
			catch (IOException ex) {
				// left for the system to clean
			}
		}
	}

	private Duration ttl(long millis) {
		return realTime() ? Duration.ofMinutes(10).plusMillis(millis) : Duration.ofMillis(millis);
	}

	private static Object value(Step step) {
		if (!step.path().equals(OBJECT)) {
			return BigDecimal.valueOf(step.value()).setScale(step.scale());
		}
		Map<String, Object> object = new LinkedHashMap<>();
		BigDecimal p = BigDecimal.valueOf(step.value()).setScale(step.scale() % 2 + 1);
		if (step.scale() < 2) {
			object.put("p", p);
			object.put("q", "text");
		}
		else {
			object.put("q", "text");
			object.put("p", p);
		}
		return object;
	}

	private void apply(StateController c, Model model, Step step, long now, AtomicLong clock) {
		String path = step.path();
		Object value = value(step);
		Via via = step.via();
		// update and setAll take no lifetime: an equal result makes the value permanent
		Duration ttl = (step.millis() > 0 && via != Via.UPDATE && via != Via.SET_ALL) ? ttl(step.millis()) : null;
		switch (step.kind()) {
			case 0, 1, 2 -> {
				WriteOptions options = (ttl != null) ? WriteOptions.ttl(ttl) : WriteOptions.defaults();
				model.write(path, value, (ttl != null) ? now + ttl.toNanos() : Long.MAX_VALUE);
				switch (via) {
					case SET -> c.set(path, value, options);
					case SET_ALL -> c.setAll(Map.of(path, value));
					case ASYNC_SET -> c.async().set(path, value, options).join();
					case UPDATE -> c.update(path, Object.class, (old) -> value);
					case BATCH -> c.batch(() -> {
						c.set(path, value, options);
						c.set("/tick", 0);
					});
					case EQUALITY -> c.set(path, value,
							options.withEquality((there, given) -> there != null && Model.equal(there, given)));
				}
			}
			case 3 -> {
				model.write(path, null, Long.MAX_VALUE);
				c.delete(path);
			}
			case 4 -> {
				if (!realTime()) {
					clock.addAndGet(Duration.ofMillis(step.millis() + 1).toNanos());
				}
			}
			default -> c.set("/tick", 0);
		}
	}

	private void check(StateController c, StateBackend backend, Model model, List<StateEvent> events, long now,
			String when) {
		if (backend instanceof CachingBackend cache) {
			cache.flush();
		}
		long revision = c.revision();
		for (String text : READ) {
			StatePath path = StatePath.of(text);
			String read = print(c.get(path));
			Versioned<@Nullable Object> versioned = c.getVersioned(path);
			StateSnapshot snapshot = c.snapshot(path);
			assertThat(print(versioned.value())).as("getVersioned %s %s", text, when).isEqualTo(read);
			assertThat(print(snapshot.value())).as("snapshot %s %s", text, when).isEqualTo(read);
			assertThat(snapshot.revision()).as("snapshot's revision %s %s", text, when).isEqualTo(versioned.revision());
			if (!realTime()) {
				// a shared backend's controller learns its revision from the feed, which may lag
				assertThat(versioned.revision()).as("getVersioned's revision %s %s", text, when).isEqualTo(revision);
			}
			if (backend instanceof CachingBackend cache && !text.equals("/a") && !text.equals("/m")) {
				assertThat(print(cache.delegate().read(path))).as("the cache's delegate %s %s", text, when)
					.isEqualTo(read);
			}
			if (text.equals("/a") || text.equals("/m")) {
				continue;
			}
			Object expected = model.visible(text, now);
			assertThat(read).as("get %s %s", text, when).isEqualTo(print(expected));
			if (expected instanceof BigDecimal) {
				assertThat(print(c.get(path, BigDecimal.class))).as("typed get %s %s", text, when)
					.isEqualTo(read);
			}
			if (expected != null) {
				// a shared backend's events come from its feed, a moment after the commit
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(print(lastEvent(events, path))).as("the last event at %s %s", text, when)
						.isEqualTo(read);
					assertThat(print(lastHistory(c, path))).as("the last history entry at %s %s", text, when)
						.isEqualTo(read);
				});
			}
		}
	}

	/** JSON text, keys in their order, decimals at their scale: the form a user serialises. */
	private static String print(@Nullable Object value) {
		return StateValues.toJsonString(value);
	}

	/** The value the last event at the path or an ancestor gave it. */
	private static @Nullable Object lastEvent(List<StateEvent> events, StatePath path) {
		Object last = null;
		for (StateEvent event : events) {
			if (event.path().isAncestorOrSelf(path)) {
				last = below(event.newValue(), event.path(), path);
			}
		}
		return last;
	}

	/** The value the last retained commit that wrote the path or an ancestor gave it. */
	private static @Nullable Object lastHistory(StateController c, StatePath path) {
		Object last = null;
		for (Commit commit : c.history(0, 1_000)) {
			for (ChangedPath change : commit.changes()) {
				if (change.path().isAncestorOrSelf(path)) {
					last = below(change.newValue(), change.path(), path);
				}
			}
		}
		return last;
	}

	private static @Nullable Object below(@Nullable Object value, StatePath at, StatePath path) {
		Object current = value;
		for (String segment : at.relativize(path).segments()) {
			current = (current instanceof Map<?, ?> map) ? map.get(segment) : null;
		}
		return current;
	}

	/** The stored form and due time of each path written, as DESIGN §11-§12 say. */
	static final class Model {

		private final Map<String, Object[]> entries = new HashMap<>();

		void write(String path, @Nullable Object value, long due) {
			Object[] there = this.entries.get(path);
			if (value == null) {
				this.entries.remove(path);
			}
			else if (there != null && equal(there[0], value)) {
				// no revision: the stored form stays, the lifetime applies
				this.entries.put(path, new Object[] { there[0], due });
			}
			else {
				this.entries.put(path, new Object[] { value, due });
			}
		}

		/** Deletes what is due (every write first commits the expiry of what fell due). */
		void expire(long now) {
			this.entries.values().removeIf((entry) -> (long) entry[1] <= now);
		}

		@Nullable Object visible(String path, long now) {
			Object[] entry = this.entries.get(path);
			return (entry == null || (long) entry[1] <= now) ? null : entry[0];
		}

		/** JSON equality: decimals by the number they denote, objects in any key order. */
		static boolean equal(@Nullable Object a, @Nullable Object b) {
			if (a instanceof Number x && b instanceof Number y) {
				return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
			}
			if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
				if (!x.keySet().equals(y.keySet())) {
					return false;
				}
				List<Object> keys = new ArrayList<>(x.keySet());
				for (Object key : keys) {
					if (!equal(x.get(key), y.get(key))) {
						return false;
					}
				}
				return true;
			}
			return java.util.Objects.equals(a, b);
		}

	}

}
