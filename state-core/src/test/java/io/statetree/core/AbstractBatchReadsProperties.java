package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
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
 * writes, increments, {@code setAll}, asynchronous {@code set}, {@code update}, {@code setAll} and
 * {@code delete}) inside a batch function or a held batch opened by a joiner on the first write
 * (the way a Spring transaction's is), and after each write {@code get}, typed {@code get},
 * {@code exists}, {@code childNames}, both {@code getVersioned} kinds, {@code snapshot},
 * {@code timeToLive}, {@code async().get}, an open {@code Computed} and (when the try registers
 * them) a derived and a tracked derived value agree with a model of the committed state plus the
 * batch's writes; {@code getVersioned} inside carries the revision the batch builds on, which is
 * also {@code revision()} there, and {@code history} there holds nothing after it. After the
 * batch commits or rolls back, the same reads agree with the committed model, nothing of a
 * rolled-back batch was written, the revision moved by at most one (by one when the tree
 * changed), and a listener, a {@code watch} and a {@code watch} from the base revision,
 * registered inside the batch, heard its commit once, at the revision after the base, with the
 * committed values, or nothing of a rollback ({@link BatchEars}). Each backend's class supplies
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

	static final List<String> READ = List.of("/a", "/persistent", "/a/x", "/a/y", "/persistent/x",
			"/persistent/y");

	/** Where the derivations write, read when the try registers them. */
	static final List<String> DERIVED = List.of("/d", "/d/sum", "/d/px");

	/**
	 * One write.
	 * @param kind 0 set, 1 set with a time to live, 2 ephemeral set, 3 delete, 4 increment, 5 setAll,
	 * 6 asynchronous set, 7 asynchronous update (asynchronous setAll on a branch), 8 asynchronous delete
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
	 * @param listenAt before which step a listener and two watches are registered (after the last
	 * one when beyond)
	 */
	record Run(boolean held, boolean commit, List<Step> steps, int listenAt) {
	}

	@Provide
	Arbitrary<List<Run>> runs() {
		Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.of(BRANCHES), Arbitraries.of(LEAVES));
		Arbitrary<Step> step = Combinators
			.combine(Arbitraries.integers().between(0, 8), path, Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(10, 60))
			.as(Step::new);
		return Combinators
			.combine(Arbitraries.of(true, false), Arbitraries.of(true, false, true), step.list().ofMaxSize(12),
					Arbitraries.integers().between(0, 12))
			.as(Run::new)
			.list()
			.ofMinSize(1)
			.ofMaxSize(4);
	}

	/** 60 tries: on files one try is 1 to 2 s under load, and CI runs it on five backends. */
	@Property(tries = 60)
	void everyReadSeesTheBatchsOwnWrites(@ForAll("runs") List<Run> runs, @ForAll boolean derive) throws Exception {
		Path directory = Files.createTempDirectory("statetree-batch-reads");
		StateController c = StateController.builder()
			.backend(newBackend(directory))
			.dispatch(StateController.Dispatch.SYNC)
			.build();
		HeldBatches seam = HeldBatches.of(c);
		assertThat(seam).isNotNull();
		boolean lifetimes = c.backend().expiringEntries() != null;
		try {
			if (derive) {
				c.derive("/d/sum", "/a", BatchReadsModel::sum);
				c.deriveTracked("/d/px", (view) -> BatchReadsModel.px(view.get(StatePath.of("/persistent/x"))));
			}
			Computed<List<@Nullable Object>> computed = c.computed((view) -> Arrays.asList(
					pruned(view.get(StatePath.of("/a"))), pruned(view.get(StatePath.of("/persistent"))),
					pruned(view.get(StatePath.of("/d/sum")))));
			Reads reads = new Reads(c, derive, computed);
			BatchReadsModel committed = new BatchReadsModel();
			for (int index = 0; index < runs.size(); index++) {
				Run run = runs.get(index);
				BatchReadsModel[] seen = new BatchReadsModel[1];
				BatchEars[] ears = new BatchEars[1];
				BatchReadsModel before = committed;
				long base = c.revision();
				if (run.held()) {
					HeldBatch[] held = new HeldBatch[1];
					seam.joiner(() -> {
						if (held[0] == null) {
							held[0] = seam.open();
						}
					});
					try {
						seen[0] = writeAndRead(reads, before, run, base, lifetimes, ears);
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
							seen[0] = writeAndRead(reads, before, run, base, lifetimes, ears);
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
				String when = "after " + (run.commit() ? "commit" : "rollback") + " of run " + index;
				reads.check(committed, null, when);
				long after = c.revision();
				boolean changed = !Objects.equals(pruned(before.root), pruned(committed.root));
				if (!run.commit()) {
					assertThat(after).as("revision %s", when).isEqualTo(base);
				}
				else if (changed) {
					assertThat(after).as("revision %s", when).isEqualTo(base + 1);
				}
				else {
					assertThat(after).as("revision %s", when).isBetween(base, base + 1);
				}
				List<Commit> history = c.history(base, 10);
				assertThat(history).as("history %s", when).hasSizeLessThanOrEqualTo(1);
				if (changed) {
					assertThat(history).as("history %s", when).hasSize(1);
				}
				history.forEach((commit) -> assertThat(commit.revision()).as("history %s", when).isEqualTo(base + 1));
				ears[0].check(before, committed, run.commit() && after == base + 1, base + 1, derive, when, index);
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

	/**
	 * The batch's writes, each followed by every read, with the listener and watches registered
	 * before step {@code listenAt}; returns the model the batch ends with.
	 */
	private static BatchReadsModel writeAndRead(Reads reads, BatchReadsModel committed, Run run, long base,
			boolean lifetimes, BatchEars[] ears) {
		BatchReadsModel model = committed.copy();
		reads.check(model, base, "inside, before any write");
		for (int i = 0; i < run.steps().size(); i++) {
			if (i == run.listenAt()) {
				ears[0] = new BatchEars(reads.c, base);
			}
			Step step = run.steps().get(i);
			apply(reads.c, model, step, lifetimes);
			reads.check(model, base, "inside, after " + step);
		}
		if (ears[0] == null) {
			ears[0] = new BatchEars(reads.c, base);
		}
		return model;
	}

	private static void apply(StateController c, BatchReadsModel model, Step step, boolean lifetimes) {
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
					model.write(path, incremented(model.value(path)), null, true, false);
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
			case 7 -> {
				if (branch) {
					c.async().setAll(Map.of(step.path(), value)).join();
					model.write(path, value, null, false, false);
				}
				else {
					c.async().update(path, Integer.class, (n) -> (n != null) ? n + 1 : 1).join();
					model.write(path, incremented(model.value(path)), null, false, false);
				}
			}
			case 8 -> {
				c.async().delete(path).join();
				model.write(path, null, null, false, false);
			}
			default -> {
				c.set(path, value);
				model.write(path, value, null, false, false);
			}
		}
	}

	private static int incremented(@Nullable Object there) {
		return ((there instanceof Integer n) ? n : 0) + 1;
	}

	/** Every read kind of one controller, checked against a model. */
	static final class Reads {

		final StateController c;

		private final boolean derive;

		private final Computed<List<@Nullable Object>> computed;

		Reads(StateController c, boolean derive, Computed<List<@Nullable Object>> computed) {
			this.c = c;
			this.derive = derive;
			this.computed = computed;
		}

		/**
		 * Every read kind against the model.
		 * @param revision inside a batch, the revision it builds on; null outside
		 */
		void check(BatchReadsModel model, @Nullable Long revision, String when) {
			StateController c = this.c;
			for (String p : READ) {
				StatePath path = StatePath.of(p);
				Object expected = pruned(model.value(path));
				String as = p + " " + when;
				checkValue(path, expected, revision, as);
				Object raw = model.value(path);
				if (expected != null || raw == null) {
					assertThat(c.exists(path)).as("exists %s", as).isEqualTo(expected != null);
				}
				if (path.depth() == 1) {
					checkChildNames(path, expected, as);
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
			for (String p : DERIVED) {
				StatePath path = StatePath.of(p);
				Object expected = model.expected(path, this.derive);
				String as = p + " " + when;
				checkValue(path, expected, revision, as);
				assertThat(c.exists(path)).as("exists %s", as).isEqualTo(expected != null);
				if (path.depth() == 1) {
					checkChildNames(path, expected, as);
				}
			}
			assertThat(this.computed.get()).as("computed %s", when)
				.isEqualTo(Arrays.asList(model.expected(StatePath.of("/a"), this.derive),
						model.expected(StatePath.of("/persistent"), this.derive),
						model.expected(StatePath.of("/d/sum"), this.derive)));
			if (revision != null) {
				assertThat(c.revision()).as("revision() %s", when).isEqualTo(revision);
				assertThat(c.history(revision, 10)).as("history after the base %s", when).isEmpty();
			}
		}

		/** get, async().get, getVersioned, snapshot and, for a leaf, the typed reads. */
		private void checkValue(StatePath path, @Nullable Object expected, @Nullable Long revision, String as) {
			StateController c = this.c;
			assertThat(pruned(c.get(path))).as("get %s", as).isEqualTo(expected);
			assertThat(pruned(c.async().get(path).join())).as("async().get %s", as).isEqualTo(expected);
			Versioned<@Nullable Object> versioned = c.getVersioned(path);
			assertThat(pruned(versioned.value())).as("getVersioned %s", as).isEqualTo(expected);
			assertThat(pruned(c.snapshot(path).value())).as("snapshot %s", as).isEqualTo(expected);
			if (revision != null) {
				assertThat(versioned.revision()).as("getVersioned's revision %s", as).isEqualTo(revision);
				assertThat(c.snapshot(path).revision()).as("snapshot's revision %s", as).isEqualTo(revision);
			}
			if (path.depth() > 1) {
				assertThat(c.get(path, Integer.class)).as("typed get %s", as).isEqualTo(expected);
				assertThat(c.async().get(path, Integer.class).join()).as("typed async().get %s", as)
					.isEqualTo(expected);
				assertThat(c.getVersioned(path, Integer.class).value()).as("typed getVersioned %s", as)
					.isEqualTo(expected);
			}
		}

		private void checkChildNames(StatePath path, @Nullable Object expected, String as) {
			List<String> names = (expected instanceof Map<?, ?> map)
					? map.keySet().stream().map(String::valueOf).toList() : List.of();
			assertThat(new TreeSet<>(this.c.childNames(path)).stream()
				.filter((n) -> pruned(this.c.get(path.child(n))) != null)
				.toList()).as("childNames %s", as).isEqualTo(new TreeSet<>(names).stream().toList());
		}

	}

	/** A value with its empty branches left out ({@code null} when nothing is left). */
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

}
