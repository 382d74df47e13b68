package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * One unparsable file breaks only the reads that need it, and never leaks its content: random
 * trees are written to files (JSON and YAML), one random file is overwritten with random garbage
 * holding a marker secret; then every path of the tree either reads exactly as written (paths
 * that neither hold nor contain the file) or throws {@link StateStorageException} naming the file
 * relative to the directory, with no marker and no absolute path in any message; ancestors of the
 * file throw, and listing any branch's children still answers.
 */
class FileSystemCorruptionPropertiesTest {

	private static final String MARKER = "stLEAK";

	private static final List<String> SEGMENTS = List.of("a", "b", "c", "users", "x");

	/** A write: a path of 1 to 3 segments and a small value. */
	record Step(List<String> segments, Object value) {

		StatePath path() {
			return StatePath.ofSegments(this.segments);
		}

	}

	@Provide
	Arbitrary<List<Step>> writes() {
		Arbitrary<List<String>> paths = Arbitraries.of(SEGMENTS).list().ofMinSize(1).ofMaxSize(3);
		Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.integers().between(-5, 5).map(Object.class::cast),
				Arbitraries.strings().alpha().ofMaxLength(5).map(Object.class::cast),
				Arbitraries.of(SEGMENTS).map((key) -> (Object) Map.of(key, 1, "k", "v")));
		return Combinators.combine(paths, values).as(Step::new).list().ofMinSize(1).ofMaxSize(10);
	}

	@Provide
	Arbitrary<String> garbage() {
		Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]\":,' \n\tabc123-").ofMaxLength(20);
		return Combinators.combine(noise, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8), noise)
			.as((before, secret, after) -> before + MARKER + secret + after);
	}

	@Property(tries = 40)
	void json(@ForAll("writes") List<Step> writes, @ForAll("garbage") String garbage,
			@ForAll int pick) throws IOException {
		check(Serializer.json(), "{\"k\": " + garbage, writes, pick);
	}

	@Property(tries = 25)
	void yaml(@ForAll("writes") List<Step> writes, @ForAll("garbage") String garbage,
			@ForAll int pick) throws IOException {
		check(Serializer.yaml(), "k: [\"" + garbage + "\n- : ]]", writes, pick);
	}

	private static void check(Serializer serializer, String content, List<Step> writes, int pick) throws IOException {
		Assume.that(!parses(serializer, content));
		Path dir = Files.createTempDirectory("statetree-corruption");
		try (FileSystemBackend backend = FileSystemBackend.builder(dir).serializer(serializer).fsync(false).build()) {
			for (Step step : writes) {
				try {
					backend.commit(new CommitRequest(List.of(Write.of(step.path(), step.value())), List.of(), "t"));
				}
				catch (io.statetree.core.StateWriteException ex) {
					// a write below a leaf: refused, nothing written
				}
			}
			Object before = backend.read(StatePath.ROOT);
			List<Path> files = dataFiles(dir, serializer.extension());
			Path corrupted = files.get(Math.floorMod(pick, files.size()));
			String relative = dir.relativize(corrupted).toString().replace('\\', '/');
			String ext = "." + serializer.extension();
			StatePath filePath = StatePath.of(relative.substring(0, relative.length() - ext.length()));
			Files.writeString(corrupted, content, StandardCharsets.UTF_8);
			for (StatePath path : allPaths(before)) {
				boolean affected = path.isAncestorOrSelf(filePath) || filePath.isAncestorOf(path);
				Throwable thrown = catchThrowable(() -> backend.read(path));
				if (affected) {
					assertThat(thrown).as(path + " touches " + relative).isInstanceOf(StateStorageException.class)
						.hasMessageContaining(relative);
					FileSystemOwnershipTest.assertNoLeak(thrown, MARKER, dir);
				}
				else {
					assertThat(thrown).as(path.toString()).isNull();
					assertThat(StateValues.equal(backend.read(path), StateValues.getIn(before, path))).as(path.toString())
						.isTrue();
				}
				if (!path.isAncestorOf(filePath) || !affected) {
					continue;
				}
				List<String> names = backend.childNames(path);
				assertThat(names).as("children of " + path).contains(filePath.segment(path.depth()));
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(dir);
		}
	}

	private static boolean parses(Serializer serializer, String content) {
		try {
			serializer.read(content.getBytes(StandardCharsets.UTF_8));
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static List<Path> dataFiles(Path dir, String extension) throws IOException {
		try (Stream<Path> paths = Files.walk(dir)) {
			return paths.filter(Files::isRegularFile)
				.filter((p) -> p.getFileName().toString().endsWith("." + extension))
				.filter((p) -> !dir.relativize(p).toString().startsWith("."))
				.sorted()
				.toList();
		}
	}

	/** The root and every path inside a value, including paths inside files. */
	private static List<StatePath> allPaths(@Nullable Object root) {
		List<StatePath> paths = new ArrayList<>();
		collect(StatePath.ROOT, root, paths);
		return paths;
	}

	private static void collect(StatePath path, @Nullable Object value, List<StatePath> paths) {
		paths.add(path);
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				collect(path.child((String) entry.getKey()), entry.getValue(), paths);
			}
		}
	}

}
