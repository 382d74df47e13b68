package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import io.statetree.core.internal.HeldBatch;
import io.statetree.core.internal.HeldBatches;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every read method sees a batch's own writes (README "Reads inside a batch see its own writes",
 * DESIGN §4, §14): random writes (plain, with a time to live, ephemeral, deletes, whole-branch
 * writes, increments, {@code setAll}, asynchronous ones) inside a batch function or a held batch
 * opened by a joiner on the first write (the way a Spring transaction's is), and after each write
 * {@code get}, typed {@code get}, {@code exists}, {@code childNames}, both {@code getVersioned}
 * kinds, {@code snapshot}, {@code timeToLive} and {@code async().get} agree with a model of the
 * committed state plus the batch's writes; {@code getVersioned} inside carries the revision the
 * batch builds on. After the batch commits or rolls back, the same reads agree with the committed
 * model, and nothing of a rolled-back batch was written. Each backend's class supplies
 * {@link #newBackend}.
 */
public abstract class AbstractBatchReadsProperties {

	/**
	 * Creates a fresh, empty backend.
	 * @param directory an empty directory, deleted afterwards, for backends that keep files
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path directory);

	/** The branches written whole; {@code /persistent} is a hybrid's file mount. */
	private static final List<String> BRANCHES = List.of("/a", "/persistent");

	private static final List<String> LEAVES = List.of("/a/x", "/a/y", "/persistent/x", "/persistent/y");

	private static final List<String> READ = List.of("/a", "/persistent", "/a/x", "/a/y", "/persistent/x",
			"/persistent/y");

	/**
	 * One write.
	 * @param kind 0 set, 1 set with a time to live, 2 ephemeral set, 3 delete, 4 increment, 5 setAll,
	 * 6 asynchronous set
	 * @param path where (a branch is written as {@code {x: value}})
	 * @param value 0..2
	 * @param minutes the time to live, in minutes (distinct enough to tell which one covers a path)
	 */
	record Step(int kind, String path, int value, int minutes) {
	}

	/**
	 * One batch.
	 * @param held whether it is a held batch a joiner opens on its first write, else a batch function
	 * @param commit whether it commits, else rolls back
	 * @param steps its writes
	 */
	record Run(boolean held, boolean commit, List<Step> steps) {
	}

	@Provide
	Arbitrary<List<Run>> runs() {
		Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.of(BRANCHES), Arbitraries.of(LEAVES));
		Arbitrary<Step> step = Combinators
			.combine(Arbitraries.integers().between(0, 6), path, Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(10, 60))
			.as(Step::new);
		return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false, true),
				step.list().ofMaxSize(12))
			.as(Run::new)
			.list()
			.ofMinSize(1)
			.ofMaxSize(4);
	}

	@Property(tries = 100)
	void everyReadSeesTheBatchsOwnWrites(@ForAll("runs") List<Run> runs) throws Exception {
		Path directory = Files.createTempDirectory("statetree-batch-reads");
		StateController c = StateController.builder()
			.backend(newBackend(directory))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		HeldBatches seam = HeldBatches.of(c);
		assertThat(seam).isNotNull();
		boolean lifetimes = c.backend().expiringEntries() != null;
		try {
			Model committed = new Model();
			for (Run run : runs) {
				Model[] seen = new Model[1];
				Model before = committed;
				if (run.held()) {
					HeldBatch[] held = new HeldBatch[1];
					seam.joiner(() -> {
						if (held[0] == null) {
							held[0] = seam.open();
						}
					});
					try {
						seen[0] = writeAndRead(c, before, run, lifetimes);
					}
					finally {
						seam.joiner(null);
					}
					if (held[0] != null) {
						if (run.commit()) {
							held[0].commit();
						}
						else {
							held[0].discard();
						}
					}
				}
				else {
					try {
						c.batch(() -> {
							seen[0] = writeAndRead(c, before, run, lifetimes);
							if (!run.commit()) {
								throw new RolledBack();
							}
						});
					}
					catch (RolledBack expected) {
						// the batch applied nothing
					}
				}
				if (run.commit()) {
					committed = seen[0];
				}
				check(c, committed, null, "after " + (run.commit() ? "commit" : "rollback"));
			}
		}
		finally {
			c.close();
			try (Stream<Path> walk = Files.walk(directory)) {
				for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(p);
				}
			}
			catch (IOException ex) {
				// left for the system to clean
			}
		}
	}

	/** The batch's writes, each followed by every read; returns the model the batch ends with. */
	private static Model writeAndRead(StateController c, Model committed, Run run, boolean lifetimes) {
		Model model = committed.copy();
		long base = c.revision();
		check(c, model, base, "inside, before any write");
		for (Step step : run.steps()) {
			apply(c, model, step, lifetimes);
			check(c, model, base, "inside, after " + step);
		}
		return model;
	}

	private static void apply(StateController c, Model model, Step step, boolean lifetimes) {
		StatePath path = StatePath.of(step.path());
		boolean branch = path.depth() == 1;
		Object value = branch ? Map.of("x", step.value()) : step.value();
		// a hybrid refuses a lifetime at a mount point (its lifetimes are kept per mounted backend)
		boolean plain = !lifetimes || step.path().equals("/persistent");
		int kind = (plain && (step.kind() == 1 || step.kind() == 2)) ? 0 : step.kind();
		switch (kind) {
			case 1 -> {
				Duration ttl = Duration.ofMinutes(step.minutes());
				c.set(path, value, WriteOptions.ttl(ttl));
				model.write(path, value, ttl, false, true);
			}
			case 2 -> {
				c.set(path, value, WriteOptions.ephemeral());
				model.write(path, value, null, false, true);
			}
			case 3 -> {
				c.delete(path);
				model.write(path, null, null, false, false);
			}
			case 4 -> {
				if (branch) {
					c.set(path, value);
					model.write(path, value, null, false, false);
				}
				else {
					c.increment(path, 1);
					Object there = model.value(path);
					model.write(path, ((there instanceof Integer n) ? n : 0) + 1, null, true, false);
				}
			}
			case 5 -> {
				c.setAll(Map.of(step.path(), value));
				model.write(path, value, null, false, false);
			}
			case 6 -> {
				c.async().set(path, value).join();
				model.write(path, value, null, false, false);
			}
			default -> {
				c.set(path, value);
				model.write(path, value, null, false, false);
			}
		}
	}

	/**
	 * Every read kind against the model.
	 * @param revision inside a batch, the revision {@code getVersioned} reports; null outside
	 */
	private static void check(StateController c, Model model, @Nullable Long revision, String when) {
		for (String p : READ) {
			StatePath path = StatePath.of(p);
			Object expected = pruned(model.value(path));
			String as = p + " " + when;
			assertThat(pruned(c.get(path))).as("get %s", as).isEqualTo(expected);
			Object raw = model.value(path);
			if (expected != null || raw == null) {
				assertThat(c.exists(path)).as("exists %s", as).isEqualTo(expected != null);
			}
			assertThat(pruned(c.async().get(path).join())).as("async().get %s", as).isEqualTo(expected);
			Versioned<@Nullable Object> versioned = c.getVersioned(path);
			assertThat(pruned(versioned.value())).as("getVersioned %s", as).isEqualTo(expected);
			assertThat(pruned(c.snapshot(path).value())).as("snapshot %s", as).isEqualTo(expected);
			if (revision != null) {
				assertThat(versioned.revision()).as("getVersioned's revision %s", as).isEqualTo(revision);
				assertThat(c.snapshot(path).revision()).as("snapshot's revision %s", as).isEqualTo(revision);
			}
			if (path.depth() == 1) {
				List<String> names = (expected instanceof Map<?, ?> map)
						? map.keySet().stream().map(String::valueOf).toList() : List.of();
				assertThat(new TreeSet<>(c.childNames(path)).stream().filter((n) -> pruned(c.get(path.child(n))) != null)
					.toList()).as("childNames %s", as).isEqualTo(new TreeSet<>(names).stream().toList());
			}
			else {
				assertThat(c.get(path, Integer.class)).as("typed get %s", as).isEqualTo(expected);
				assertThat(c.getVersioned(path, Integer.class).value()).as("typed getVersioned %s", as)
					.isEqualTo(expected);
			}
			if (expected == null && raw != null) {
				// an empty branch: whether it stays, and keeps its time to live, differs by backend
				continue;
			}
			Duration ttl = c.timeToLive(path);
			Duration covering = (expected != null) ? model.timeToLive(path) : null;
			if (covering == null) {
				assertThat(ttl).as("timeToLive %s", as).isNull();
			}
			else {
				// a committed time to live counts down; the test's own run takes well under a minute
				assertThat(ttl).as("timeToLive %s", as).isNotNull();
				assertThat(ttl).as("timeToLive %s", as)
					.isBetween(covering.minus(Duration.ofSeconds(50)), covering);
			}
		}
	}

	/** A value with its empty branches left out ({@code null} when nothing is left). */
	@SuppressWarnings("unchecked")
	static @Nullable Object pruned(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> kept = new java.util.TreeMap<>();
			map.forEach((k, v) -> {
				Object child = pruned(v);
				if (child != null) {
					kept.put(String.valueOf(k), child);
				}
			});
			return kept.isEmpty() ? null : kept;
		}
		if (value instanceof Number n) {
			return n.intValue();
		}
		return value;
	}

	/** A rolled-back batch function. */
	private static final class RolledBack extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RolledBack() {
			super("rolled back", null, false, false);
		}

	}

	/**
	 * The model: values per path (two levels) and times to live per path, applied as DESIGN §12
	 * says: a write drops the entries at and below its path, then puts its own (an increment keeps
	 * the one at its path); ancestors keep theirs. A committed time to live keeps its full length
	 * here; the check allows for its count-down.
	 */
	static final class Model {

		final Map<String, Object> root = new LinkedHashMap<>();

		final Map<StatePath, Duration> lifetimes = new HashMap<>();

		Model copy() {
			Model copy = new Model();
			this.root.forEach((k, v) -> copy.root.put(k, (v instanceof Map<?, ?> m) ? new LinkedHashMap<>(m) : v));
			copy.lifetimes.putAll(this.lifetimes);
			return copy;
		}

		@Nullable Object value(StatePath path) {
			Object top = this.root.get(path.segment(0));
			if (path.depth() == 1) {
				return top;
			}
			return (top instanceof Map<?, ?> map) ? map.get(path.segment(1)) : null;
		}

		/**
		 * One write.
		 * @param ttl the time to live it writes, or null
		 * @param keep whether it keeps the lifetime at its path (an increment)
		 * @param lifetime whether it writes a lifetime (a time to live or ephemeral); either way a
		 * value equal to the one there is not written but its lifetime applies, none making it
		 * permanent (README "Rewrites", break issue 14)
		 */
		void write(StatePath path, @Nullable Object value, @Nullable Duration ttl, boolean keep, boolean lifetime) {
			if (Objects.equals(value(path), value)) {
				if (value != null && !keep) {
					this.lifetimes.keySet().removeIf(path::isAncestorOrSelf);
					if (ttl != null) {
						this.lifetimes.put(path, ttl);
					}
				}
				return;
			}
			write(path, value, ttl, keep);
		}

		@SuppressWarnings("unchecked")
		private void write(StatePath path, @Nullable Object value, @Nullable Duration ttl, boolean keep) {
			String top = path.segment(0);
			if (path.depth() == 1) {
				if (value == null) {
					this.root.remove(top);
				}
				else {
					this.root.put(top, new LinkedHashMap<>((Map<String, Object>) value));
				}
			}
			else {
				Object parent = this.root.get(top);
				Map<String, Object> branch;
				if (parent instanceof Map<?, ?> map) {
					branch = (Map<String, Object>) map;
				}
				else {
					branch = new LinkedHashMap<>();
					if (value != null) {
						this.root.put(top, branch);
					}
				}
				if (value == null) {
					branch.remove(path.segment(1));
				}
				else {
					branch.put(path.segment(1), value);
				}
			}
			Duration own = this.lifetimes.get(path);
			this.lifetimes.keySet().removeIf(path::isAncestorOrSelf);
			if (keep && own != null && value != null) {
				this.lifetimes.put(path, own);
			}
			else if (ttl != null && value != null) {
				this.lifetimes.put(path, ttl);
			}
		}

		@Nullable Duration timeToLive(StatePath path) {
			Duration earliest = null;
			for (int depth = 0; depth <= path.depth(); depth++) {
				Duration ttl = this.lifetimes.get(path.prefix(depth));
				if (ttl != null && (earliest == null || ttl.compareTo(earliest) < 0)) {
					earliest = ttl;
				}
			}
			return earliest;
		}

	}

}
