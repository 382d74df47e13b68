package io.statetree.core.break20;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §7: children keep insertion order. Random writes, deletes, branch writes, snapshot
 * restores and (on files) reopens are made on every local backend; after each step every backend
 * reads the same tree as an insertion-ordered model, children in the same order. The files
 * backend writes {@code .order} only when the order changes (issue 20: "a delete leaves the order
 * of the others as it is, so the deleted name stays listed until the next creation rewrites the
 * file without it"), which is what the deletes, re-creations and reopens here attack.
 */
class ChildOrderPropertiesTest {

	private static final List<String> NAMES = List.of("a", "b", "c", "d");

	sealed interface Step permits Put, Snap, Restore, Reopen {
	}

	/** {@code set(path, value)}; a {@code null} value deletes. */
	record Put(String path, @Nullable Object value) implements Step {
	}

	/** Takes a snapshot of {@code path} into slot {@code slot}. */
	record Snap(String path, int slot) implements Step {
	}

	/** Restores the snapshot in {@code slot}, if one was taken. */
	record Restore(int slot) implements Step {
	}

	/** Closes and reopens the file backends. */
	record Reopen() implements Step {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<String> paths = Arbitraries.of(NAMES).list().ofMinSize(1).ofMaxSize(3)
			.map((segments) -> "/t/" + String.join("/", segments));
		Arbitrary<Map<String, Object>> branches = Arbitraries.of(NAMES).list().ofMinSize(1).ofMaxSize(4).uniqueElements()
			.map((keys) -> {
				Map<String, Object> map = new LinkedHashMap<>();
				for (int i = 0; i < keys.size(); i++) {
					map.put(keys.get(i), (i % 3 == 2) ? Map.of("z", i) : i);
				}
				return map;
			});
		Arbitrary<@Nullable Object> values = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 3).map(Object.class::cast)),
				net.jqwik.api.Tuple.of(2, branches.map(Object.class::cast)),
				net.jqwik.api.Tuple.of(4, Arbitraries.just((Object) null)));
		Arbitrary<Step> put = Combinators.combine(paths, values).as(Put::new);
		Arbitrary<Step> snap = Combinators
			.combine(Arbitraries.of("/t", "/t/a", "/t/b", "/t/a/b"), Arbitraries.integers().between(0, 1))
			.as(Snap::new);
		Arbitrary<Step> restore = Arbitraries.integers().between(0, 1).map(Restore::new);
		Arbitrary<Step> reopen = Arbitraries.just(new Reopen());
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(14, put), net.jqwik.api.Tuple.of(1, snap),
				net.jqwik.api.Tuple.of(1, restore), net.jqwik.api.Tuple.of(2, reopen))
			.list().ofMinSize(1).ofMaxSize(30);
	}

	/** One backend under test, reopened on {@link Reopen} when it has a directory. */
	private static final class Subject {

		final String name;

		final @Nullable Path directory;

		final java.util.function.Function<@Nullable Path, StateBackend> factory;

		StateController controller;

		final StateSnapshot[] slots = new StateSnapshot[2];

		Subject(String name, @Nullable Path directory, java.util.function.Function<@Nullable Path, StateBackend> factory) {
			this.name = name;
			this.directory = directory;
			this.factory = factory;
			this.controller = StateController.builder().backend(factory.apply(directory)).build();
		}

		void reopen() {
			if (this.directory != null) {
				this.controller.close();
				this.controller = StateController.builder().backend(this.factory.apply(this.directory)).build();
			}
		}

	}

	@Property(tries = 80)
	void everyBackendKeepsTheModelsOrder(@ForAll("steps") List<Step> steps) throws IOException {
		List<Path> directories = new ArrayList<>();
		List<Subject> subjects = new ArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				directories.add(Files.createTempDirectory("break20-order"));
			}
			subjects.add(new Subject("memory", null, (d) -> new InMemoryBackend()));
			subjects.add(new Subject("files", directories.get(0),
					(d) -> FileSystemBackend.builder(d).fsync(false).build()));
			subjects.add(new Subject("files+fsync", directories.get(1),
					(d) -> FileSystemBackend.builder(d).fsync(true).build()));
			subjects.add(new Subject("caching(files)", directories.get(2),
					(d) -> new CachingBackend(FileSystemBackend.builder(d).fsync(false).build(), CachePolicy.defaults())));
			subjects.add(new Subject("hybrid(memory, /t on files)", directories.get(3),
					(d) -> new HybridBackend(new InMemoryBackend()).mount("/t",
							FileSystemBackend.builder(d).fsync(false).build())));
			OrderModel model = new OrderModel(true);
			OrderModel pruningModel = new OrderModel(false);
			Map<Integer, @Nullable Object> modelSlots = new java.util.HashMap<>();
			Map<Integer, String> slotPaths = new java.util.HashMap<>();
			List<Step> done = new ArrayList<>();
			for (Step step : steps) {
				done.add(step);
				if (step instanceof Reopen) {
					subjects.forEach(Subject::reopen);
				}
				else if (step instanceof Snap snap) {
					for (Subject subject : subjects) {
						subject.slots[snap.slot()] = subject.controller.snapshot(snap.path());
					}
					modelSlots.put(snap.slot(), OrderModel.copy(model.get(StatePath.of(snap.path()))));
					slotPaths.put(snap.slot(), snap.path());
				}
				else {
					StatePath path;
					Object value;
					if (step instanceof Restore restore) {
						if (!slotPaths.containsKey(restore.slot())) {
							continue;
						}
						path = StatePath.of(slotPaths.get(restore.slot()));
						value = modelSlots.get(restore.slot());
					}
					else {
						Put put = (Put) step;
						path = StatePath.of(put.path());
						value = put.value();
					}
					boolean refused = false;
					try {
						model.set(path, value);
						pruningModel.set(path, value);
					}
					catch (OrderModel.Refused ex) {
						refused = true;
					}
					for (Subject subject : subjects) {
						boolean subjectRefused = false;
						try {
							if (step instanceof Restore restore) {
								subject.controller.restore(subject.slots[restore.slot()]);
							}
							else {
								subject.controller.set(path, value);
							}
						}
						catch (StateWriteException ex) {
							subjectRefused = true;
						}
						assertThat(subjectRefused).as(subject.name + " refuses as the model does after " + done)
							.isEqualTo(refused);
					}
				}
				String expected = Break20Support.ordered(Break20Support.pruned(model.get(StatePath.of("/t"))));
				String expectedPruning = Break20Support.ordered(Break20Support.pruned(pruningModel.get(StatePath.of("/t"))));
				for (Subject subject : subjects) {
					String actual = Break20Support.ordered(Break20Support.pruned(subject.controller.get("/t")));
					assertThat(actual).as(subject.name + " after " + done)
						.isIn(expected, expectedPruning);
				}
			}
		}
		finally {
			for (Subject subject : subjects) {
				subject.controller.close();
			}
			directories.forEach(Break20Support::deleteTree);
		}
	}

}
