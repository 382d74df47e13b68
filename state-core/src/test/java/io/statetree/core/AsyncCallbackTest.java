package io.statetree.core;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller's callback on an asynchronous call's future may block on another call of the same
 * controller (found by a new user: on files such a callback wedged every later asynchronous write;
 * on Redis a synchronous call in a read's callback held Lettuce's I/O thread), in memory, on files
 * and on a non-blocking backend.
 */
class AsyncCallbackTest {

	@TempDir
	Path directory;

	private StateController open(String kind) {
		StateBackend backend = switch (kind) {
			case "memory" -> new InMemoryBackend();
			case "files" -> FileSystemBackend.builder(this.directory).fsync(false).build();
			default -> new NonBlockingFakeBackend();
		};
		return StateController.create(backend);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "files", "non-blocking" })
	void aWriteCallbackMayWaitForALaterAsyncWrite(String kind) {
		try (StateController c = open(kind)) {
			CompletableFuture<Boolean> nested = c.async()
				.set("/x", 3)
				.thenApply((changed) -> c.async().set("/z", 1).join());
			assertThat(nested.orTimeout(10, TimeUnit.SECONDS).join()).isTrue();
			// and the controller's later asynchronous writes still complete
			assertThat(c.async().set("/after", 2).orTimeout(10, TimeUnit.SECONDS).join()).isTrue();
			assertThat(c.get("/z")).isEqualTo(1);
			assertThat(c.get("/after")).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "files", "non-blocking" })
	void aReadCallbackMayCallTheControllerSynchronously(String kind) {
		try (StateController c = open(kind)) {
			c.set("/cb", 7);
			CompletableFuture<String> thread = new CompletableFuture<>();
			CompletableFuture<Object> nested = c.async().get("/cb").thenApply((value) -> {
				thread.complete(Thread.currentThread().getName());
				c.set("/cb2", value);
				return c.get("/cb2");
			});
			assertThat(nested.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(7);
			// never on the backend's own I/O thread
			assertThat(thread.join()).isNotEqualTo("fake-io");
		}
	}

}
