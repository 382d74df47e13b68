package io.statetree.core.break20;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.Write;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Disabled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files backend's directory index (issue 20) against a person who edits the directory while
 * the backend is open: random commits (writes, deletes, branch writes, values longer than the 16
 * KiB the index keeps) interleaved with outside edits (a file rewritten with another value, its
 * modification time moved on by seconds so the edit is outside any timestamp granularity; a file
 * deleted; a directory deleted; a file added at a free name). The model applies the person's
 * edits too. Every commit must report as old value what the directory held there (README: "a file
 * found changed is read from disk"), refuse what the model refuses, and leave the tree the model
 * holds.
 */
class Break20FileIndexEditsPropertiesTest {

	private static final List<String> SEGMENTS = List.of("a", "b", "c");

	sealed interface Step permits Commit, Edit {
	}

	record Commit(StatePath path, @Nullable Object value) implements Step {
	}

	/** An outside edit: kind 0 rewrite a file, 1 delete a file, 2 delete a directory, 3 add a file; pick chooses which. */
	record Edit(int kind, int pick, int value) implements Step {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<StatePath> paths = Arbitraries.of(SEGMENTS).list().ofMinSize(1).ofMaxSize(3).map(StatePath::ofSegments);
		Arbitrary<@Nullable Object> values = Arbitraries.frequencyOf(
				Tuple.of(4, Arbitraries.integers().between(0, 99).map(Object.class::cast)),
				Tuple.of(2, Arbitraries.of(SEGMENTS).map((k) -> (Object) Map.of(k, 1, "z", 2))),
				Tuple.of(1, Arbitraries.integers().between(16_000, 17_000).map((n) -> (Object) "x".repeat(n))),
				Tuple.of(3, Arbitraries.just((Object) null)));
		Arbitrary<Step> commit = Combinators.combine(paths, values).as(Commit::new);
		Arbitrary<Step> edit = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 50),
				Arbitraries.integers().between(100, 999)).as(Edit::new);
		return Arbitraries.frequencyOf(Tuple.of(3, commit), Tuple.of(1, edit)).list().ofMinSize(1).ofMaxSize(30);
	}

	@Disabled("finding 2: shrunk to [set /c = 98, a person deletes c.json, set /c = 14]: the last commit throws StateStorageException (NoSuchFileException)")
	@Property(tries = 150)
	void withoutFsync(@ForAll("steps") List<Step> steps) throws IOException {
		check(steps, false);
	}

	@Disabled("finding 2: shrunk to [set /c = 98, a person deletes c.json, set /c = 14]: the last commit throws StateStorageException (NoSuchFileException)")
	@Property(tries = 40)
	void withFsync(@ForAll("steps") List<Step> steps) throws IOException {
		check(steps, true);
	}

	private static void check(List<Step> steps, boolean fsync) throws IOException {
		Path dir = Files.createTempDirectory("break20-edits");
		List<String> done = new ArrayList<>();
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).fsync(fsync).build()) {
			OrderModel model = new OrderModel(false);
			for (Step step : steps) {
				if (step instanceof Edit edit) {
					String made = edit(dir, edit, model);
					if (made != null) {
						done.add(made);
					}
					continue;
				}
				Commit commit = (Commit) step;
				done.add("commit " + commit.path() + " = " + brief(commit.value()));
				Object before = OrderModel.copy(model.get(commit.path()));
				boolean refusedByModel = false;
				try {
					model.set(commit.path(), commit.value());
				}
				catch (OrderModel.Refused ex) {
					refusedByModel = true;
				}
				CommitResult result = null;
				try {
					result = backend.commit(new CommitRequest(List.of(Write.of(commit.path(), commit.value())), List.of(), "t"));
				}
				catch (StateWriteException ex) {
					assertThat(refusedByModel).as("refused what the model accepts after " + done).isTrue();
				}
				if (result != null) {
					assertThat(refusedByModel).as("accepted what the model refuses after " + done).isFalse();
					for (Change change : result.changes()) {
						if (change.path().equals(commit.path())) {
							assertThat(brief(Break20Support.sorted(Break20Support.emptyAsAbsent(change.oldValue()))))
								.as("old value of " + change.path() + " after " + done)
								.isEqualTo(brief(Break20Support.sorted(Break20Support.emptyAsAbsent(before))));
						}
					}
				}
				Object tree = backend.read(StatePath.ROOT);
				assertThat(brief(Break20Support.sorted(Break20Support.pruned(tree))))
					.as("tree after " + done)
					.isEqualTo(brief(Break20Support.sorted(Break20Support.pruned(model.root()))));
			}
		}
		finally {
			Break20Support.deleteTree(dir);
		}
	}

	/** The value as text, long strings cut to their length. */
	private static String brief(@Nullable Object value) {
		String text = Break20Support.ordered(value);
		return text.replaceAll("x{20,}", "x*");
	}

	/** Makes one outside edit and applies it to the model; returns what it did, or null if nothing fit. */
	private static @Nullable String edit(Path dir, Edit edit, OrderModel model) throws IOException {
		List<Path> files = new ArrayList<>();
		List<Path> directories = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(dir)) {
			for (Path p : walk.toList()) {
				Path rel = dir.relativize(p);
				if (p.equals(dir) || rel.toString().startsWith(".statetree") || rel.getFileName().toString().startsWith(".")) {
					continue;
				}
				if (Files.isDirectory(p)) {
					directories.add(p);
				}
				else if (p.getFileName().toString().endsWith(".json")) {
					files.add(p);
				}
			}
		}
		files.sort(null);
		directories.sort(null);
		switch (edit.kind()) {
			case 0 -> {
				if (files.isEmpty()) {
					return null;
				}
				Path file = files.get(edit.pick() % files.size());
				FileTime time = Files.getLastModifiedTime(file);
				Files.writeString(file, Integer.toString(edit.value()));
				Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 5_000));
				model.set(pathOf(dir, file), edit.value());
				return "person rewrites " + dir.relativize(file) + " = " + edit.value();
			}
			case 1 -> {
				if (files.isEmpty()) {
					return null;
				}
				Path file = files.get(edit.pick() % files.size());
				Files.delete(file);
				model.set(pathOf(dir, file), null);
				return "person deletes " + dir.relativize(file);
			}
			case 2 -> {
				if (directories.isEmpty()) {
					return null;
				}
				Path directory = directories.get(edit.pick() % directories.size());
				Break20Support.deleteTree(directory);
				model.set(pathOf(dir, directory), null);
				return "person deletes directory " + dir.relativize(directory);
			}
			default -> {
				List<Path> parents = new ArrayList<>(directories);
				parents.add(0, dir);
				Path parent = parents.get(edit.pick() % parents.size());
				for (String name : SEGMENTS) {
					if (!Files.exists(parent.resolve(name + ".json")) && !Files.exists(parent.resolve(name))) {
						Path file = parent.resolve(name + ".json");
						Files.writeString(file, Integer.toString(edit.value()));
						model.set(pathOf(dir, file), edit.value());
						return "person adds " + dir.relativize(file) + " = " + edit.value();
					}
				}
				return null;
			}
		}
	}

	private static StatePath pathOf(Path dir, Path file) {
		String relative = dir.relativize(file).toString().replace('\\', '/');
		if (relative.endsWith(".json")) {
			relative = relative.substring(0, relative.length() - ".json".length());
		}
		return StatePath.of("/" + relative);
	}

}
