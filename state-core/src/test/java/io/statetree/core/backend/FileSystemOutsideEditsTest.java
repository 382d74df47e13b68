package io.statetree.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person adds, deletes or replaces files and directories of a {@link FileSystemBackend}'s
 * directory while it is open, at names its commits had already looked up or written (so the
 * commits' {@link DirectoryIndex} knew them): the next commit plans against the directory as it
 * is now. Afterwards at most one of {@code x.json} and {@code x/} exists, a write below an added
 * file rewrites it, a deleted file does not come back, and listeners and the history report the
 * value the person left as the old value. With fsync on and off. (Issue 20's break tests, kept
 * here as the backend's own.)
 */
class FileSystemOutsideEditsTest {

	@TempDir
	Path dir;

	private final List<StateEvent> events = new CopyOnWriteArrayList<>();

	private StateController open(boolean fsync) {
		StateController state = StateController.builder()
			.backend(FileSystemBackend.builder(this.dir).fsync(fsync).build())
			.dispatch(StateController.Dispatch.SYNC)
			.onError(StateController.OnError.RETHROW)
			.build();
		state.subscribe("/**", this.events::add);
		return state;
	}

	/** What listeners heard at a path itself, as "old -> new". */
	private List<String> heard(String path) {
		List<String> out = new ArrayList<>();
		for (StateEvent event : this.events) {
			if (event.emittingPath().toString().equals(path) && event.path().equals(event.emittingPath())) {
				out.add(StateValues.toJsonString(event.prevValue()) + " -> " + StateValues.toJsonString(event.newValue()));
			}
		}
		return out;
	}

	private @Nullable Object reopened(String path) {
		try (StateController again = StateController.create(FileSystemBackend.builder(this.dir).fsync(false).build())) {
			return again.get(path);
		}
	}

	private Path a(String name) {
		return this.dir.resolve("a").resolve(name);
	}

	/**
	 * One way a person changed {@code a/x} below a directory the commits had used (a file added where
	 * they found nothing, a directory deleted, a directory turned into a file, a file turned into a
	 * directory), what the tree reads right after the change, and what it holds once
	 * {@code /a/x/q = 2} was written below it.
	 */
	record EditBelow(String name, java.util.function.Consumer<StateController> before, Edit edit,
			@Nullable Object readAfterEdit, Object afterWrite, boolean stillAFile) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** A person's change to the directory {@code a} ({@code a/x} and its file). */
	interface Edit {

		void apply(Path a) throws IOException;

	}

	static Stream<Arguments> editsBelow() {
		List<EditBelow> edits = List.of(
				new EditBelow("a file added where a commit found nothing", (state) -> {
					state.set("/a/x", 1);
					state.delete("/a/x");
				}, (a) -> Files.writeString(a.resolve("x.json"), "{\"p\":1}"), Map.of("p", 1L),
						Map.of("p", 1L, "q", 2L), true),
				new EditBelow("a deleted directory", (state) -> {
					state.set("/a/x/p", 1);
					state.set("/a/x/r", 1);
				}, (a) -> FileSystemPropertiesSupport.deleteTree(a.resolve("x")), null, Map.of("q", 2L), false),
				new EditBelow("a directory turned into a file", (state) -> state.set("/a/x/p", 1), (a) -> {
					FileSystemPropertiesSupport.deleteTree(a.resolve("x"));
					Files.writeString(a.resolve("x.json"), "{\"r\":1}");
				}, Map.of("r", 1L), Map.of("r", 1L, "q", 2L), false),
				new EditBelow("a file turned into a directory", (state) -> state.set("/a/x", Map.of("p", 1)), (a) -> {
					Files.delete(a.resolve("x.json"));
					Files.createDirectories(a.resolve("x"));
					Files.writeString(a.resolve("x").resolve("r.json"), "1");
				}, Map.of("r", 1L), Map.of("r", 1L, "q", 2L), false));
		List<Arguments> cases = new ArrayList<>();
		for (EditBelow edit : edits) {
			for (boolean fsync : List.of(false, true)) {
				cases.add(Arguments.of(edit, fsync));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}, fsync={1}")
	@MethodSource("editsBelow")
	void aWriteBelowWhatAPersonChangedKeepsWhatTheyLeft(EditBelow edit, boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/a/keep", 0);
			// the commits look up and write a/x first, so the directory index knows it
			edit.before().accept(state);
			edit.edit().apply(this.dir.resolve("a"));
			assertThat(same(state.get("/a/x"), edit.readAfterEdit())).as(StateValues.toJsonString(state.get("/a/x")))
				.isTrue();
			state.set("/a/x/q", 2);
			assertThat(doubledNames(this.dir)).isEmpty();
			if (edit.stillAFile()) {
				assertThat(Files.isDirectory(a("x"))).as("the added file takes the write").isFalse();
			}
			assertThat(same(state.get("/a"), Map.of("keep", 0L, "x", edit.afterWrite())))
				.as(StateValues.toJsonString(state.get("/a"))).isTrue();
		}
		assertThat(same(reopened("/a/x"), edit.afterWrite())).isTrue();
	}

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void aFileAddedWhereACommitFoundNothingIsTheOldValueOfTheNextWrite(boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/a/keep", 0);
			state.set("/a/x", 1);
			state.delete("/a/x");
			Files.writeString(a("x.json"), "5");
			this.events.clear();
			assertThat(state.set("/a/x", 6)).isTrue();
			List<Commit> history = state.history(state.revision() - 1, 10);
			assertThat(history).hasSize(1);
			ChangedPath change = history.get(0).changes().get(0);
			assertThat(heard("/a/x")).containsExactly("5 -> 6");
			assertThat(StateValues.toJsonString(change.oldValue())).isEqualTo("5");
		}
	}

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void aDirectoryAddedWhereACommitFoundNothingIsReplacedByAWriteOfItsPath(boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/a/keep", 0);
			state.set("/a/x", 1);
			state.delete("/a/x");
			Files.createDirectories(a("x"));
			Files.writeString(a("x").resolve("p.json"), "1");
			this.events.clear();
			state.set("/a/x", 7);
			assertThat(doubledNames(this.dir)).isEmpty();
			assertThat(Files.exists(a("x"), LinkOption.NOFOLLOW_LINKS)).as("the added directory is replaced").isFalse();
			assertThat(same(state.get("/a"), Map.of("keep", 0L, "x", 7L))).isTrue();
			assertThat(heard("/a/x")).containsExactly("{\"p\":1} -> 7");
		}
		assertThat(same(reopened("/a/x"), 7L)).isTrue();
	}

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void aDeletedFileDoesNotComeBackThroughAWriteBelowIt(boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/a/keep", 0);
			state.set("/a/x", Map.of("p", 1));
			Files.delete(a("x.json"));
			assertThat(state.get("/a/x")).isNull();
			this.events.clear();
			state.set("/a/x/q", 2);
			assertThat(StateValues.toJsonString(state.get("/a/x"))).isEqualTo("{\"q\":2}");
			assertThat(heard("/a/x/q")).containsExactly("null -> 2");
			// and the writes after it still succeed
			state.set("/a/x/q", 3);
			state.set("/a/x/r/s", 4);
			assertThat(same(state.get("/a/x"), Map.of("q", 3L, "r", Map.of("s", 4L)))).isTrue();
		}
		assertThat(same(reopened("/a/x"), Map.of("q", 3L, "r", Map.of("s", 4L)))).isTrue();
	}

	/** The shrunk sample of the random edits: a leaf file a commit wrote, deleted by a person, is written again. */
	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void aDeletedLeafFileCanBeWrittenAgain(boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/c", 98);
			Files.delete(this.dir.resolve("c.json"));
			assertThat(state.get("/c")).isNull();
			this.events.clear();
			assertThat(state.set("/c", 14)).isTrue();
			assertThat(same(state.get("/c"), 14L)).isTrue();
			assertThat(heard("/c")).containsExactly("null -> 14");
			assertThat(state.delete("/c")).isTrue();
		}
		assertThat(reopened("/c")).isNull();
	}

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void aFileAddedBesideSurvivesTheNextCreation(boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/a/keep", 0);
			state.set("/a/y", 1);
			state.delete("/a/y");
			Files.writeString(a("z.json"), "3");
			state.set("/a/w", 1);
			assertThat(same(state.get("/a"), Map.of("keep", 0L, "z", 3L, "w", 1L))).isTrue();
		}
		assertThat(same(reopened("/a"), Map.of("keep", 0L, "z", 3L, "w", 1L))).isTrue();
	}

	@ParameterizedTest(name = "fsync={0}")
	@ValueSource(booleans = { false, true })
	void anEditedFileIsTheOldValueOfTheNextWrite(boolean fsync) throws IOException {
		try (StateController state = open(fsync)) {
			state.set("/a/x", 1);
			Files.writeString(a("x.json"), "4444");
			this.events.clear();
			assertThat(state.set("/a/x", 2)).isTrue();
			assertThat(heard("/a/x")).containsExactly("4444 -> 2");
		}
	}

	private static boolean same(@Nullable Object actual, @Nullable Object expected) {
		return StateValues.equal(actual, expected);
	}

	/**
	 * The names below a directory (outside {@code .statetree}) held both as {@code name.json} and
	 * as {@code name/}.
	 */
	static List<String> doubledNames(Path root) throws IOException {
		List<String> doubled = new ArrayList<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path path : walk.toList()) {
				Path relative = root.relativize(path);
				if (relative.getNameCount() == 0 || relative.getName(0).toString().equals(FileSystemBackend.META)) {
					continue;
				}
				String name = path.getFileName().toString();
				if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && name.endsWith(".json")
						&& Files.isDirectory(path.resolveSibling(name.substring(0, name.length() - 5)),
								LinkOption.NOFOLLOW_LINKS)) {
					doubled.add(relative.toString());
				}
			}
		}
		return doubled;
	}

}
