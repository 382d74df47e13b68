package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.StateBackend;
import io.statetree.core.backend.StateValues;
import net.jqwik.api.Example;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractLifetimesLeaveValuesProperties} on a write-behind cache over files (every write
 * and delete pending until a flush or close), the files read again after a restart; and the
 * inputs that showed the files differing from what the cache read (README brk29).
 */
class WriteBehindLifetimesLeaveValuesPropertiesTest extends AbstractLifetimesLeaveValuesProperties {

	private static final WriteOptions TTL = WriteOptions.ttl(Duration.ofMinutes(10));

	@Override
	protected StateBackend newBackend(Path directory) {
		return new CachingBackend(FileSystemBackend.builder(directory).fsync(false).build(),
				CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build());
	}

	@Override
	protected StateBackend reopen(Path directory) {
		return FileSystemBackend.builder(directory).fsync(false).build();
	}

	/** Two commits that each change something, merged, change nothing: the flush wrote nothing. */
	@Example
	void aBranchWrittenBelowAndEmptiedByPendingCommitsStaysAfterARestart() throws IOException {
		assertThat(afterRestart((c) -> {
			c.set("/a/b", 0);
			c.delete("/a/b");
		})).isEqualTo("{\"a\":{}}");
	}

	/** The brk28 input behind the cache: replayed with the values held, the flush deleted /a. */
	@Example
	void aBatchThatChangesNothingButATimeToLiveKeepsAnEmptyBranchAfterARestart() throws IOException {
		assertThat(afterRestart((c) -> {
			c.set("/a", Map.of());
			c.set("/k", 1);
			c.batch(() -> {
				c.delete("/a");
				c.set("/a/x", 1, TTL);
				c.delete("/a/x");
			});
		})).isEqualTo("{\"a\":{},\"k\":1}");
	}

	/** A helper's input: merged into the flush, the batch moved /k last in the files. */
	@Example
	void aBatchThatChangesNothingButATimeToLiveKeepsTheOrderAfterARestart() throws IOException {
		assertThat(afterRestart((c) -> {
			c.set("/k", 0);
			c.set("/a", 0);
			c.batch(() -> {
				c.delete("/k");
				c.set("/k", 0, TTL);
			});
		})).isEqualTo("{\"k\":0,\"a\":0}");
	}

	/**
	 * A second helper's input (brk29b): behind a write-behind cache, a hybrid with files at its root
	 * and at {@code /m}; {@code /m/v} is {@code 2} in the files; pending, it becomes {@code {x: 1}}
	 * and then {@code 2.0}, beside a change at the root. Merged, the mount's part of the flush
	 * wrote only an equal value and changed nothing: the files kept {@code 2}.
	 */
	@Example
	void aValueChangedAndChangedBackInAnotherFormKeepsThatFormAfterARestart() throws IOException {
		Path directory = Files.createTempDirectory("statetree-write-behind");
		java.util.function.Supplier<StateBackend> hybrid = () -> new HybridBackend(
				FileSystemBackend.builder(directory.resolve("root")).fsync(false).build())
			.mount("/m", FileSystemBackend.builder(directory.resolve("m")).fsync(false).build());
		String read;
		try (StateController c = StateController.builder()
			.backend(new CachingBackend(hybrid.get(),
					CachePolicy.builder().flushOnWrite(false).flushOnDelete(false).build()))
			.build()) {
			c.set("/m/v", 2);
			c.backend().flush();
			c.set("/m/v", Map.of("x", 1));
			c.set("/m/v", new java.math.BigDecimal("2.0"));
			c.set("/k", 1);
			read = StateValues.toJsonString(c.get("/"));
		}
		assertThat(read).isEqualTo("{\"m\":{\"v\":2.0},\"k\":1}");
		try (StateController c = StateController.builder().backend(hybrid.get()).build()) {
			assertThat(StateValues.toJsonString(c.get("/"))).as("the files after a restart").isEqualTo(read);
		}
	}

	/** What the files read after the writes through a write-behind cache and a close; checks the cache read the same. */
	private String afterRestart(Consumer<StateController> writes) throws IOException {
		Path directory = Files.createTempDirectory("statetree-write-behind");
		String read;
		try (StateController c = StateController.builder().backend(newBackend(directory)).build()) {
			writes.accept(c);
			read = StateValues.toJsonString(c.get("/"));
		}
		try (StateController c = StateController.builder().backend(reopen(directory)).build()) {
			String files = StateValues.toJsonString(c.get("/"));
			assertThat(files).as("the files after a restart against the cache before it").isEqualTo(read);
			return files;
		}
	}

}
