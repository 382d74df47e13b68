package io.statetree.core.backend;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateWriteException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files longer than the backend reads: refused with a message naming the file and its size,
 * never an {@link OutOfMemoryError} out of every read of the file and its ancestors; and object
 * keys that are no path segments, reported without the key.
 */
class FileSystemFileSizeTest {

	private static final String MARKER = "stLEAK123";

	@TempDir
	Path temp;

	private static CommitResult commit(StateBackend backend, String path, @Nullable Object value) {
		return backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "t"));
	}

	@Test
	void aHugeFileIsRefusedNamingItWhileTheRestKeepsWorking() throws IOException {
		// found by the second breaker: a sparse 3 GB users.json (no disk used) made every read of
		// /users and / throw OutOfMemoryError ("Required array size too large")
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
			commit(backend, "/ok", 1);
		}
		try (RandomAccessFile file = new RandomAccessFile(directory.resolve("users.json").toFile(), "rw")) {
			file.setLength(3L * 1024 * 1024 * 1024);
		}
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
			for (String path : List.of("/users", "/users/alice", "/")) {
				assertThatThrownBy(() -> backend.read(StatePath.of(path))).as(path)
					.isInstanceOf(StateStorageException.class)
					.hasMessageContaining("users.json")
					.hasMessageContaining("3221225472 bytes")
					.satisfies((ex) -> FileSystemOwnershipTest.assertNoLeak(ex, MARKER, directory));
			}
			assertThat(backend.read(StatePath.of("/ok"))).isEqualTo(1);
			assertThat(backend.childNames(StatePath.ROOT)).containsExactlyInAnyOrder("ok", "users");
			commit(backend, "/users", Map.of("alice", "admin"));
			assertThat(backend.read(StatePath.ROOT)).as("writing the path replaces the huge file")
				.isEqualTo(Map.of("ok", 1, "users", Map.of("alice", "admin")));
		}
	}

	/** Any file up to the limit reads, any longer one is refused with its name and size. */
	@Property(tries = 30)
	void filesReadUpToTheLimitAndNoFurther(@ForAll @IntRange(min = 2, max = 400) int size) throws IOException {
		int limit = 200;
		Path directory = Files.createTempDirectory("statetree-size");
		try {
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).maxFileBytes(limit).build()) {
				commit(backend, "/ok", 1);
			}
			String text = "\"" + "s".repeat(size - 2) + "\"";
			Files.writeString(directory.resolve("v.json"), text);
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).maxFileBytes(limit).build()) {
				if (size <= limit) {
					assertThat(backend.read(StatePath.of("/v"))).isEqualTo("s".repeat(size - 2));
				}
				else {
					assertThatThrownBy(() -> backend.read(StatePath.ROOT)).isInstanceOf(StateStorageException.class)
						.hasMessageContaining("v.json")
						.hasMessageContaining(size + " bytes")
						.hasMessageNotContaining("sss");
				}
				String written = "w".repeat(size);
				if (size + 2 <= limit) {
					commit(backend, "/w", written);
					assertThat(backend.read(StatePath.of("/w"))).isEqualTo(written);
				}
				else {
					assertThatThrownBy(() -> commit(backend, "/w", written)).isInstanceOf(StateWriteException.class)
						.hasMessageContaining("w.json")
						.hasMessageContaining((size + 2) + " bytes")
						.hasMessageNotContaining("www");
					assertThat(directory.resolve("w.json")).as("nothing written").doesNotExist();
				}
			}
		}
		finally {
			FileSystemPropertiesSupport.deleteTree(directory);
		}
	}

	@Test
	void aKeyThatIsNoPathSegmentIsReportedWithoutTheKey() throws IOException {
		// was "the json serializer failed (io.statetree.core.InvalidPathException)"
		Path directory = this.temp.resolve("state");
		try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
			commit(backend, "/ok", 1);
		}
		for (String content : List.of("{\"" + MARKER + "/x\": 1}", "{\"\": \"" + MARKER + "\"}",
				"{\"a\": {\"" + MARKER + "\\u0001\": 1}}")) {
			Files.writeString(directory.resolve("users.json"), content, StandardCharsets.UTF_8);
			try (FileSystemBackend backend = FileSystemBackend.builder(directory).fsync(false).build()) {
				assertThatThrownBy(() -> backend.read(StatePath.ROOT)).as(content)
					.isInstanceOf(StateStorageException.class)
					.hasMessageContaining("users.json")
					.hasMessageContaining("object key")
					.hasMessageNotContaining("serializer failed")
					.satisfies((ex) -> FileSystemOwnershipTest.assertNoLeak(ex, MARKER, directory));
				assertThat(backend.read(StatePath.of("/ok"))).isEqualTo(1);
			}
		}
	}

}
