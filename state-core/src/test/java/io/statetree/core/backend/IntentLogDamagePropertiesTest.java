package io.statetree.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.IntentLog.Kind;
import io.statetree.core.backend.IntentLog.Op;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A damaged intent log (any byte changed, the disk having lost data) stops the open with a
 * {@link StateStorageException} naming the log and saying it is damaged: never another
 * exception, never "null", and never a state built from the damaged operations.
 */
class IntentLogDamagePropertiesTest {

	@Property(tries = 80)
	void anyChangedByteIsReportedAsDamage(@ForAll @IntRange(min = 0, max = 10_000) int where,
			@ForAll @IntRange(min = 1, max = 255) int xor) throws IOException {
		check(where, xor);
	}

	@Example
	void aNulInAPathIsDamageNotAnInvalidPathException() throws IOException {
		// found by the second breaker: a byte of a path turned into 0 made the open throw
		// java.nio.file.InvalidPathException ("Nul character not allowed: <the path>")
		Path directory = Files.createTempDirectory("statetree-intent");
		try {
			byte[] whole = log(directory);
			int at = indexOf(whole, "b.json".getBytes(StandardCharsets.UTF_8)) + 1;
			check(at, whole[at]);
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(directory);
		}
	}

	private static byte[] log(Path directory) {
		return IntentLog.encode(directory, List.of(new Op(Kind.PUT, directory.resolve("b.json"),
				"2".getBytes(StandardCharsets.UTF_8), true), new Op(Kind.MKDIR, directory.resolve("c"), null, true)));
	}

	private static void check(int where, int xor) throws IOException {
		Path directory = Files.createTempDirectory("statetree-intent");
		try {
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
				backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/a"), 1)), List.of(), "t"));
			}
			byte[] bytes = log(directory);
			int at = where % bytes.length;
			bytes[at] = (byte) (bytes[at] ^ xor);
			Path file = directory.resolve(".statetree").resolve("intent.log");
			Files.write(file, bytes);
			assertThatThrownBy(() -> FileSystemBackend.builder(directory).fsync(false).build())
				.as("byte %d ^ %d", at, xor)
				.isExactlyInstanceOf(StateStorageException.class)
				.hasMessageContaining("intent.log")
				.hasMessageContaining("damaged")
				.hasMessageNotContaining("null");
			assertThat(directory.resolve("b.json")).as("nothing replayed").doesNotExist();
			Files.delete(file);
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
				assertThat(backend.read(StatePath.ROOT)).isEqualTo(Map.of("a", 1));
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(directory);
		}
	}

	private static int indexOf(byte[] bytes, byte[] part) {
		outer: for (int i = 0; i + part.length <= bytes.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (bytes[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		throw new IllegalArgumentException("not found");
	}

}
