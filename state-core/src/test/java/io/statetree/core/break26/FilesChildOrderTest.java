package io.statetree.core.break26;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.statetree.core.StateController;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * break26 findings on the order of children (DESIGN §7: children keep insertion order; README
 * "Mount points read like any branch": a hybrid lists children as the in-memory backend does).
 */
class FilesChildOrderTest {

	@TempDir
	Path dir;

	/**
	 * Found by {@code HybridBatchesModelPropertiesTest} (files root): a commit that creates two
	 * children and deletes an absent path inside the second listed the second first, on a plain
	 * files backend too, and after a restart. The files commit plan ordered new children by when it
	 * first looked their names up (the old value a delete reports looks it up without creating it),
	 * not by when a write created them.
	 */
	@Test
	void aBatchCreatesChildrenInWriteOrderOnFiles() throws Exception {
		Consumer<StateController> batch = (c) -> c.batch(() -> {
			c.set("/m", 1);
			c.set("/a/b", 1);
			c.delete("/a/y");
		});
		Path files = this.dir.resolve("files");
		Files.createDirectories(files);
		String expected = readAfter(new InMemoryBackend(), batch);
		assertThat(expected).isEqualTo("{\"m\":1,\"a\":{\"b\":1}} [m, a]");
		assertThat(readAfter(FileSystemBackend.builder(files).fsync(false).build(), batch)).isEqualTo(expected);
		try (StateController reopened = StateController.create(FileSystemBackend.builder(files).fsync(false).build())) {
			assertThat(reopened.get("/") + " " + reopened.childNames("/")).as("after a restart").isEqualTo(expected);
		}
	}

	/**
	 * A child deleted and written again in one commit that changes something goes last on memory
	 * (the branch forgets it, then adds it); the files plan kept its place.
	 */
	@Test
	void aChildDeletedAndWrittenAgainInOneBatchMovesLastOnFiles() throws Exception {
		Consumer<StateController> calls = (c) -> {
			c.set("/m", 1);
			c.set("/a", 1);
			c.batch(() -> {
				c.delete("/m");
				c.set("/m", 2);
			});
		};
		Path files = this.dir.resolve("moved");
		Files.createDirectories(files);
		String expected = readAfter(new InMemoryBackend(), calls);
		assertThat(expected).isEqualTo("{\"a\":1,\"m\":2} [a, m]");
		assertThat(readAfter(FileSystemBackend.builder(files).fsync(false).build(), calls)).isEqualTo(expected);
	}

	/** The exact input the property found: a hybrid with a files root and memory mounts at /m and /a/m. */
	@Test
	void aBatchAcrossMountsCreatesChildrenInWriteOrderWithAFilesRoot() throws Exception {
		Consumer<StateController> batch = (c) -> c.batch(() -> {
			c.set("/m", Map.of());
			c.set("/a/m/x", 1);
			c.delete("/m/x");
			c.delete("/a/y");
		});
		Path root = this.dir.resolve("root");
		Files.createDirectories(root);
		StateBackend hybrid = new HybridBackend(FileSystemBackend.builder(root).fsync(false).build())
			.mount("/m", new InMemoryBackend())
			.mount("/a/m", new InMemoryBackend());
		String expected = readAfter(new InMemoryBackend(), batch);
		assertThat(expected).isEqualTo("{\"m\":{},\"a\":{\"m\":{\"x\":1}}} [m, a]");
		assertThat(readAfter(hybrid, batch)).isEqualTo(expected);
	}

	/**
	 * Open finding: a batch that deletes a mount point whose marker exists and writes below it again
	 * moves it last on memory (the branch is deleted and created again, and the commit changes
	 * something), but the hybrid's root backend gets a part that deletes and re-creates the marker,
	 * which changes nothing there, so it writes nothing and the mount point keeps its place. The
	 * SPI compares values, not order, so no write of the root backend's part can move it alone.
	 */
	@Disabled("finding: a hybrid keeps a mount point's place among its siblings when one batch deletes it and writes"
			+ " below it again (memory moves it last)")
	@Test
	void aMountPointDeletedAndWrittenAgainInOneBatchMovesLast() {
		Consumer<StateController> calls = (c) -> {
			c.set("/m", Map.of());
			c.set("/a", Map.of());
			c.batch(() -> {
				c.delete("/m");
				c.set("/m", Map.of("x", 1));
			});
		};
		StateBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/m", new InMemoryBackend());
		String expected = readAfter(new InMemoryBackend(), calls);
		assertThat(expected).isEqualTo("{\"a\":{},\"m\":{\"x\":1}} [a, m]");
		assertThat(readAfter(hybrid, calls)).isEqualTo(expected);
	}

	private static String readAfter(StateBackend backend, Consumer<StateController> calls) {
		try (StateController c = StateController.create(backend)) {
			calls.accept(c);
			List<String> names = c.childNames("/");
			return c.get("/") + " " + names;
		}
	}

}
