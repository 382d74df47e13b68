package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.StateWriteException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random commits of a {@link FileSystemBackend} interleaved with random edits a person makes to
 * its directory while it is open (a file added or replaced, a file rewritten in place with its
 * modification time moved on by seconds, a directory added or replaced, a name deleted), with
 * values up to 17,000 characters (longer than the bytes the directory index keeps of a file), with
 * fsync on and off: after each commit no name is held both as {@code x.json} and
 * {@code x/}, the tree reads as a model that applies the person's edits as well as the commits,
 * and every listener heard, at each path that changed, the model's value before the commit as the
 * old value and its value after as the new one; reopened, the directory reads as the model.
 */
class FileSystemOutsideEditsPropertiesTest {

	private static final List<String> SEGMENTS = List.of("a", "b", "x");

	/** A step: a commit through the controller, or a person's edit of the files. */
	sealed interface Step permits Set, Edit {

	}

	/** {@code set} (or {@code delete} for a null value) through the controller. */
	record Set(StatePath path, @Nullable Object value) implements Step {

		@Override
		public String toString() {
			return "Set[" + this.path + " = " + brief(this.value) + "]";
		}

	}

	/**
	 * What a person does at a path: writes its file, makes it a directory with one file, deletes
	 * it, or rewrites the file there in place (same file, modification time moved on by five
	 * seconds; nothing when no file is there).
	 */
	record Edit(EditKind kind, StatePath path, long value) implements Step {

	}

	enum EditKind {

		FILE, DIRECTORY, DELETE, REWRITE

	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<StatePath> paths = Arbitraries.of(SEGMENTS).list().ofMinSize(1).ofMaxSize(3)
			.map(StatePath::ofSegments);
		Arbitrary<@Nullable Object> values = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 9).map(Object.class::cast)),
				net.jqwik.api.Tuple.of(3, Arbitraries.of(SEGMENTS).map((key) -> (Object) Map.of(key, 1L))),
				net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(16_000, 17_000).map((n) -> (Object) "v".repeat(n))),
				net.jqwik.api.Tuple.of(3, Arbitraries.just(null)));
		Arbitrary<Step> sets = Combinators.combine(paths, values).as(Set::new);
		Arbitrary<Step> edits = Combinators.combine(Arbitraries.of(EditKind.class), paths, Arbitraries.longs().between(10, 99))
			.as(Edit::new);
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, sets), net.jqwik.api.Tuple.of(2, edits))
			.list().ofMinSize(1).ofMaxSize(30);
	}

	@Property(tries = 150)
	void withoutFsync(@ForAll("steps") List<Step> steps) throws IOException {
		check(steps, false);
	}

	@Property(tries = 40)
	void withFsync(@ForAll("steps") List<Step> steps) throws IOException {
		check(steps, true);
	}

	private static void check(List<Step> steps, boolean fsync) throws IOException {
		Path directory = Files.createTempDirectory("statetree-outside");
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		try {
			Map<String, Object> model = StateValues.emptyBranch();
			try (StateController state = StateController.builder()
				.backend(FileSystemBackend.builder(directory).fsync(fsync).build())
				.dispatch(StateController.Dispatch.SYNC)
				.onError(StateController.OnError.RETHROW)
				.build()) {
				state.subscribe("/**", events::add);
				for (Step step : steps) {
					if (step instanceof Edit edit) {
						model = edit(directory, model, edit);
						continue;
					}
					Set set = (Set) step;
					Map<String, Object> before = model;
					Map<String, Object> after;
					try {
						after = FileSystemCrashTest.apply(model, List.of(Write.of(set.path(), set.value())));
					}
					catch (StateWriteException refused) {
						after = null; // below a leaf
					}
					events.clear();
					try {
						if (set.value() == null) {
							state.delete(set.path().toString());
						}
						else {
							state.set(set.path().toString(), set.value());
						}
						assertThat(after).as("accepted what the model refuses: " + set + " in " + steps).isNotNull();
					}
					catch (StateWriteException refused) {
						assertThat(after).as("refused what the model accepts: " + set + " in " + steps).isNull();
						after = model;
					}
					model = after;
					String what = "after " + set + " in " + steps;
					assertThat(FileSystemOutsideEditsTest.doubledNames(directory)).as(what).isEmpty();
					assertThat(StateValues.equal(pruned(state.get("/")), pruned(model)))
						.as(what + ": " + brief(state.get("/")) + ", model " + brief(model))
						.isTrue();
					for (StateEvent event : events) {
						if (!event.path().equals(event.emittingPath())) {
							continue;
						}
						StatePath at = event.emittingPath();
						assertThat(StateValues.equal(pruned(event.prevValue()), pruned(valueAt(before, at))))
							.as(what + ": old value heard at " + at + ": " + brief(event.prevValue())
									+ ", model " + brief(valueAt(before, at)))
							.isTrue();
						assertThat(StateValues.equal(pruned(event.newValue()), pruned(valueAt(after, at))))
							.as(what + ": new value heard at " + at).isTrue();
					}
					if (!StateValues.equal(pruned(valueAt(before, set.path())), pruned(valueAt(after, set.path())))) {
						assertThat(events).as(what + ": the change was heard").isNotEmpty();
					}
				}
			}
			try (StateController reopened = StateController.create(FileSystemBackend.builder(directory).fsync(fsync).build())) {
				assertThat(StateValues.equal(pruned(reopened.get("/")), pruned(model)))
					.as("reopened: " + brief(reopened.get("/")) + ", model " + brief(model))
					.isTrue();
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(directory);
		}
	}

	/**
	 * Makes a person's edit on disk, when the path's parents are directories or absent on disk (so
	 * the edit leaves no doubled name), and returns the model with it applied.
	 */
	private static Map<String, Object> edit(Path directory, Map<String, Object> model, Edit edit) throws IOException {
		StatePath path = edit.path();
		Path target = directory;
		for (int i = 0; i < path.depth() - 1; i++) {
			if (Files.exists(target.resolve(path.segment(i) + ".json"), LinkOption.NOFOLLOW_LINKS)) {
				return model; // below a file: a person would not make a doubled name here
			}
			target = target.resolve(path.segment(i));
		}
		Path file = target.resolve(path.segment(path.depth() - 1) + ".json");
		Path sub = target.resolve(path.segment(path.depth() - 1));
		if (edit.kind() == EditKind.REWRITE) {
			if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
				return model;
			}
			FileTime time = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
			Files.writeString(file, Long.toString(edit.value()));
			Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 5_000));
			return FileSystemCrashTest.apply(model, List.of(Write.of(path, edit.value())));
		}
		Files.deleteIfExists(file);
		if (Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) {
			FileSystemPropertiesSupport.deleteTree(sub);
		}
		switch (edit.kind()) {
			case FILE -> {
				Files.createDirectories(target);
				Files.writeString(file, Long.toString(edit.value()));
				return FileSystemCrashTest.apply(model, List.of(Write.of(path, edit.value())));
			}
			case DIRECTORY -> {
				Files.createDirectories(sub);
				Files.writeString(sub.resolve("q.json"), Long.toString(edit.value()));
				return FileSystemCrashTest.apply(model, List.of(Write.of(path, Map.of("q", edit.value()))));
			}
			default -> {
				return FileSystemCrashTest.apply(model, List.of(Write.of(path, null)));
			}
		}
	}

	/** A value as JSON for a failure message, the long strings cut short. */
	static String brief(@Nullable Object value) {
		return StateValues.toJsonString(value).replaceAll("v{20,}", "v*");
	}

	private static @Nullable Object valueAt(@Nullable Object root, StatePath path) {
		Object value = root;
		for (int i = 0; i < path.depth(); i++) {
			if (!(value instanceof Map<?, ?> map)) {
				return null;
			}
			value = map.get(path.segment(i));
		}
		return value;
	}

	private static @Nullable Object pruned(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			return value;
		}
		Map<String, Object> out = new LinkedHashMap<>();
		map.forEach((k, v) -> {
			Object child = pruned(v);
			if (child != null) {
				out.put((String) k, child);
			}
		});
		return out.isEmpty() ? null : out;
	}

}
