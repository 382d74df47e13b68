package io.statetree.core;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every asynchronous call fails with the synchronous call's exception inside a
 * {@link CompletionException}, invalid arguments included (a failed future, never a throw), in
 * memory (inline), on files (the executor) and on a non-blocking backend.
 */
class AsyncExceptionsTest {

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

	private static void fails(CompletableFuture<?> future, Class<? extends Throwable> type) {
		assertThatThrownBy(future::join).isInstanceOf(CompletionException.class).cause().isInstanceOf(type);
	}

	@ParameterizedTest
	@ValueSource(strings = { "memory", "files", "non-blocking" })
	void failuresAreTheSyncExceptionsWrapped(String kind) {
		try (StateController c = open(kind)) {
			AsyncStateController a = c.async();
			c.set("/leaf", 5);
			Map<String, Object> cycle = new HashMap<>();
			cycle.put("self", cycle);
			Function<CompletableFuture<?>, CompletableFuture<?>> call = Function.identity();
			fails(call.apply(a.get("/a//b")), InvalidPathException.class);
			fails(call.apply(a.get("/a//b", Integer.class)), InvalidPathException.class);
			fails(a.set("/q//r", 1), InvalidPathException.class);
			fails(a.set("/x", cycle), StateValueException.class);
			fails(a.set("/x", 1, null), NullPointerException.class);
			fails(a.set("/leaf/below", 1), StateWriteException.class);
			fails(a.set("/", 5), StateWriteException.class);
			fails(a.delete("/x//y"), InvalidPathException.class);
			fails(a.update("/x", Integer.class, null), NullPointerException.class);
			fails(a.get("/leaf", Map.class), StateValueException.class);
			IllegalArgumentException boom = new IllegalArgumentException("boom");
			CompletableFuture<Integer> thrown = a.update("/x", Integer.class, (v) -> {
				throw boom;
			});
			assertThatThrownBy(thrown::join).isInstanceOf(CompletionException.class).hasCause(boom);
			fails(a.setAll(Map.of("/ok", 1, "/leaf/x", 1)), StateWriteException.class);
			assertThat(c.get("/x")).isNull();
			assertThat(c.get("/ok")).isNull();
			c.close();
			fails(a.set("/x", 1), IllegalStateException.class);
			fails(a.setAll(Map.of("/x", 1)), IllegalStateException.class);
		}
	}

}
