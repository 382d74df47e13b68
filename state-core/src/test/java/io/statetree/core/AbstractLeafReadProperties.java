package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads stay exact whatever a backend remembers of earlier reads (issue 20's leaf read memo of
 * {@code InMemoryBackend}, which answers a leaf read at an unchanged revision without walking the
 * tree): random sets of leaves and branches, deletes, leaves with a time to live, steps of virtual
 * time, batches that commit and batches that roll back, and after every step each path (leaves,
 * branches, paths below a leaf, absent paths) is read several times (the same parsed path twice,
 * a path parsed again from its text, an equal path built from segments, a typed read, and
 * {@code exists}) and every read equals a model of the committed state: a value whose time ran
 * out reads as absent at once, and inside a batch every read also shows the batch's own writes,
 * before and after it reads the same path again. Each backend's class supplies
 * {@link #newBackend}, reading time from the virtual clock.
 */
public abstract class AbstractLeafReadProperties {

	/**
	 * Creates a fresh, empty backend that reads time from the given clock.
	 * @param nanoClock the virtual monotonic clock, in nanoseconds
	 * @param scratch an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(LongSupplier nanoClock, Path scratch);

	private static final List<String> BRANCHES = List.of("/a", "/b");

	private static final List<String> LEAVES = List.of("/a/x", "/a/y", "/b/x", "/b/y");

	/** Every path read after each step: branches, leaves, below a leaf, never written. */
	private static final List<String> READ = List.of("/a", "/b", "/a/x", "/a/y", "/b/x", "/b/y", "/a/x/deeper",
			"/never", "/b/never");

	/**
	 * One step.
	 * @param kind 0 set a leaf, 1 set a branch ({@code {x: value}}), 2 delete, 3 set a leaf with a
	 * time to live, 4 time passes, 5 a batch that commits, 6 a batch that rolls back
	 * @param path where (a leaf for kinds 0 and 3)
	 * @param value the value (0..3; 3 is written as the text {@code "three"})
	 * @param millis the time to live, or how much time passes
	 * @param inner the writes of a batch: kinds 0 to 2 of their own
	 */
	record Step(int kind, String path, int value, long millis, List<Inner> inner) {
	}

	/** A write inside a batch: 0 set a leaf, 1 set a branch, 2 delete. */
	record Inner(int kind, String path, int value) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<String> any = Arbitraries.oneOf(Arbitraries.of(BRANCHES), Arbitraries.of(LEAVES));
		Arbitrary<Inner> inner = Combinators
			.combine(Arbitraries.integers().between(0, 2), any, Arbitraries.integers().between(0, 3))
			.as(Inner::new);
		return Combinators
			.combine(Arbitraries.integers().between(0, 6), any, Arbitraries.integers().between(0, 3),
					Arbitraries.longs().between(1, 120), inner.list().ofMinSize(1).ofMaxSize(4))
			.as(Step::new)
			.list()
			.ofMaxSize(30);
	}

	@Property(tries = 150)
	void everyReadEqualsTheModel(@ForAll("steps") List<Step> steps) throws Exception {
		AtomicLong clock = new AtomicLong(-1_000_000_000_000L);
		Path scratch = Files.createTempDirectory("statetree-leaf-read-props");
		StateController c = StateController.builder()
			.backend(newBackend(clock::get, scratch))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		try {
			AbstractExpiryProperties.Model model = new AbstractExpiryProperties.Model();
			check(c, model, clock.get(), "at the start");
			int index = 0;
			for (Step step : steps) {
				long now = clock.get();
				if (step.kind() != 4) {
					// every write call first deletes what is due (what is due reads as absent either way)
					model.expire(now);
				}
				apply(c, model, step, now);
				if (step.kind() == 4) {
					clock.addAndGet(Duration.ofMillis(step.millis()).toNanos());
				}
				check(c, model, clock.get(), "after step " + index + " " + step);
				index++;
			}
		}
		finally {
			c.close();
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

	private static void apply(StateController c, AbstractExpiryProperties.Model model, Step step, long now) {
		switch (step.kind()) {
			case 0, 1, 2 -> write(c, model, new Inner(step.kind(), step.path(), step.value()));
			case 3 -> {
				StatePath leaf = leaf(step.path());
				Object value = value(step.value());
				model.write(leaf, value, now + Duration.ofMillis(step.millis()).toNanos(), false);
				c.set(leaf, value, WriteOptions.ttl(Duration.ofMillis(step.millis())));
			}
			case 5 -> {
				Object[] before = snapshot(model);
				c.batch(() -> {
					// a run again (an expiry commit came between) starts from the committed state
					restore(model, before);
					batchWrites(c, model, step, now);
				});
			}
			case 6 -> {
				Object[] before = snapshot(model);
				assertThatThrownBy(() -> c.batch(() -> {
					restore(model, before);
					batchWrites(c, model, step, now);
					throw new RolledBack();
				})).isInstanceOf(RolledBack.class);
				// the model took the batch's writes to check the reads inside: take them back
				restore(model, before);
			}
			default -> {
			}
		}
	}

	/** A batch's writes, each followed by reads that must show it. */
	private static void batchWrites(StateController c, AbstractExpiryProperties.Model model, Step step, long now) {
		check(c, model, now, "inside a batch before its writes");
		for (Inner inner : step.inner()) {
			write(c, model, inner);
			check(c, model, now, "inside a batch after " + inner);
		}
	}

	private static void write(StateController c, AbstractExpiryProperties.Model model, Inner inner) {
		StatePath path = StatePath.of(inner.path());
		Object value = value(inner.value());
		switch (inner.kind()) {
			case 0 -> {
				StatePath leaf = leaf(inner.path());
				model.write(leaf, value, null, false);
				c.set(leaf, value);
			}
			case 1 -> {
				StatePath branch = (path.depth() == 1) ? path : path.parent();
				Map<String, Object> whole = Map.of("x", value);
				model.write(branch, whole, null, false);
				c.set(branch, whole);
			}
			default -> {
				model.write(path, null, null, false);
				c.delete(path);
			}
		}
	}

	/** The path itself when it is a leaf, else the branch's child {@code x}. */
	private static StatePath leaf(String path) {
		StatePath p = StatePath.of(path);
		return (p.depth() == 1) ? p.child("x") : p;
	}

	private static Object value(int value) {
		return (value == 3) ? "three" : value;
	}

	/** Every read of every path in {@link #READ} equals the model's visible value at {@code now}. */
	private static void check(StateController c, AbstractExpiryProperties.Model model, long now, String when) {
		for (String text : READ) {
			StatePath path = StatePath.of(text);
			Object expected = AbstractHistoryBehaviourTest.norm(model.visible(path, now));
			if (expected instanceof Map<?, ?> map && map.isEmpty()) {
				// whether a branch emptied by deletes reads as {} or as absent is not this property's
				// (inside a batch it reads as absent, outside as {}): only branches may be either
				assertThat(AbstractHistoryBehaviourTest.norm(c.get(path))).as("get %s %s", text, when)
					.satisfiesAnyOf((v) -> assertThat(v).isNull(), (v) -> assertThat(v).isEqualTo(Map.of()));
				continue;
			}
			// twice with the same parsed path (a remembered read answers the second), then an equal
			// path parsed from its text and one built from its segments, which are other instances
			for (StatePath same : List.of(path, path, StatePath.of(text), StatePath.ofSegments(path.segments()))) {
				assertThat(AbstractHistoryBehaviourTest.norm(c.get(same))).as("get %s %s", text, when)
					.isEqualTo(expected);
			}
			assertThat(AbstractHistoryBehaviourTest.norm(c.get(text))).as("get(String) %s %s", text, when)
				.isEqualTo(expected);
			assertThat(c.exists(path)).as("exists %s %s", text, when).isEqualTo(expected != null);
			if (expected instanceof Number n) {
				assertThat(c.get(path, Integer.class)).as("typed get %s %s", text, when).isEqualTo(n.intValue());
			}
			else if (expected instanceof String s) {
				assertThat(c.get(path, String.class)).as("typed get %s %s", text, when).isEqualTo(s);
			}
			else if (expected == null) {
				assertThat(c.get(path, Integer.class)).as("typed get %s %s", text, when).isNull();
			}
		}
	}

	/** The model's root and lifetimes, to put back after a rollback. */
	private static Object[] snapshot(AbstractExpiryProperties.Model model) {
		Map<String, Object> root = new java.util.LinkedHashMap<>();
		model.root.forEach((k, v) -> root.put(k, deepCopy(v)));
		return new Object[] { root, new java.util.HashMap<>(model.lifetimes), model.commits, model.userCommits };
	}

	@SuppressWarnings("unchecked")
	private static void restore(AbstractExpiryProperties.Model model, Object[] before) {
		model.root.clear();
		((Map<String, Object>) before[0]).forEach((k, v) -> model.root.put(k, deepCopy(v)));
		model.lifetimes.clear();
		model.lifetimes.putAll((Map<StatePath, Long>) before[1]);
		model.commits = (Integer) before[2];
		model.userCommits = (Integer) before[3];
	}

	private static @Nullable Object deepCopy(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new java.util.LinkedHashMap<>();
			map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
			return copy;
		}
		return value;
	}

	/** Thrown by a batch to roll it back. */
	private static final class RolledBack extends RuntimeException {

		RolledBack() {
			super("rolled back on purpose");
		}

	}

}
