package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * YAML aliases in a hand-edited file: Jackson's parser reads {@code *x} as the string
 * {@code "x"}, so such a file read silently wrong; it is refused, naming the file, line and
 * column, never the alias or the anchored value.
 */
class FileSystemYamlAliasTest {

	private static final String MARKER = "stLEAK123";

	@TempDir
	Path temp;

	private static FileSystemBackend open(Path directory) {
		return FileSystemBackend.builder(directory).serializer(Serializer.yaml()).fsync(false).build();
	}

	@Test
	void anAliasIsRefusedInsteadOfReadAsItsName() throws IOException {
		// found by the second breaker: "a: &x stLEAK123\nb: *x\n" read as {a: stLEAK123, b: x}
		// and "a: *stLEAK123" as {a: stLEAK123}, without any error
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = open(directory)) {
			backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/ok"), 1)), List.of(), "t"));
		}
		for (String content : List.of("a: &x " + MARKER + "\nb: *x\n", "a: *" + MARKER + "\n",
				"a:\n  - 1\n  - *" + MARKER + "\n")) {
			Files.writeString(directory.resolve("users.yaml"), content, StandardCharsets.UTF_8);
			try (FileSystemBackend backend = open(directory)) {
				for (String path : List.of("/users", "/users/a", "/")) {
					assertThatThrownBy(() -> backend.read(StatePath.of(path))).as(content + " at " + path)
						.isInstanceOf(StateStorageException.class)
						.hasMessageContaining("users.yaml")
						.hasMessageContaining("YAML alias")
						.hasMessageContaining("line ")
						.satisfies((ex) -> FileSystemOwnershipTest.assertNoLeak(ex, MARKER, directory));
				}
				assertThat(backend.read(StatePath.of("/ok"))).isEqualTo(1);
			}
		}
		Files.writeString(directory.resolve("users.yaml"), "a: &x " + MARKER + "\n", StandardCharsets.UTF_8);
		try (FileSystemBackend backend = open(directory)) {
			assertThat(backend.read(StatePath.of("/users"))).as("an anchor alone reads as its value")
				.isEqualTo(Map.of("a", MARKER));
		}
	}

	/** An alias at any depth and line is refused with that line and its column. */
	@Property(tries = 30)
	void anAliasAnywhereIsRefusedWithItsLineAndColumn(@ForAll @IntRange(min = 0, max = 6) int depth,
			@ForAll @IntRange(min = 0, max = 4) int before, @ForAll boolean inList) throws IOException {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < before; i++) {
			text.append("pad").append(i).append(": ").append(i).append('\n');
		}
		String indent = "";
		for (int i = 0; i < depth; i++) {
			text.append(indent).append("k").append(i).append(":\n");
			indent += "  ";
		}
		int line = before + depth + 1;
		int column;
		if (inList) {
			text.append(indent).append("list:\n").append(indent).append("  - *").append(MARKER).append('\n');
			line++;
			column = indent.length() + 5;
		}
		else {
			text.append(indent).append("v: *").append(MARKER).append('\n');
			column = indent.length() + 4;
		}
		Path directory = Files.createTempDirectory("statetree-alias");
		try {
			try (FileSystemBackend backend = open(directory)) {
				backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/ok"), 1)), List.of(), "t"));
			}
			Files.writeString(directory.resolve("doc.yaml"), text, StandardCharsets.UTF_8);
			try (FileSystemBackend backend = open(directory)) {
				assertThatThrownBy(() -> backend.read(StatePath.ROOT)).isInstanceOf(StateStorageException.class)
					.hasMessageContaining("doc.yaml: it holds a YAML alias (line " + line + ", column " + column + ")")
					.satisfies((ex) -> FileSystemOwnershipTest.assertNoLeak(ex, MARKER, directory));
				assertThat(backend.read(StatePath.of("/ok"))).isEqualTo(1);
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(directory);
		}
	}

}
