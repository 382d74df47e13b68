package io.statetree.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The asynchronous API (DESIGN §15) against the synchronous one, on every backend: random
 * sequences of {@code get}, {@code set}, {@code delete}, {@code update} and {@code setAll}, run on
 * one store through {@link StateController#async()} and on another through the synchronous calls,
 * give the same return values, the same exceptions (wrapped in {@link CompletionException}), the
 * same tree and the same events, revision by revision. Writes issued without waiting commit in
 * the order they were called. {@code setAll} is atomic: a write under a leaf, stored or written
 * by the same call, fails the whole call and writes nothing. Paths under {@code /persistent} hit
 * the mount of the hybrid backend.
 */
public abstract class AbstractAsyncProperties {

	/**
	 * Creates a fresh, empty backend over a directory of its own (ignored in memory).
	 * @param directory an empty directory
	 * @return the backend
	 */
	protected abstract StateBackend newBackend(Path directory);

	private static final List<String> PATHS = List.of("/p/a", "/p/a/x", "/p/b", "/persistent/c",
			"/persistent/c/y", "/p");

	/** One operation and how to run it either way. */
	record Op(String kind, String path, Object value, Map<String, Object> many) {

		Object sync(StateController c) {
			return switch (this.kind) {
				case "get" -> c.get(this.path);
				case "getInt" -> c.get(this.path, Integer.class);
				case "set" -> c.set(this.path, this.value);
				case "setPayload" -> c.set(this.path, this.value, WriteOptions.payload("p").withActor("a"));
				case "delete" -> c.delete(this.path);
				case "update" -> c.update(this.path, Integer.class, (v) -> (v == null) ? 1 : v + 1);
				case "setAll" -> c.setAll(this.many);
				default -> throw new IllegalStateException(this.kind);
			};
		}

		CompletableFuture<?> async(AsyncStateController a) {
			return switch (this.kind) {
				case "get" -> a.get(this.path);
				case "getInt" -> a.get(this.path, Integer.class);
				case "set" -> a.set(this.path, this.value);
				case "setPayload" -> a.set(this.path, this.value, WriteOptions.payload("p").withActor("a"));
				case "delete" -> a.delete(this.path);
				case "update" -> a.update(this.path, Integer.class, (v) -> (v == null) ? 1 : v + 1);
				case "setAll" -> a.setAll(this.many);
				default -> throw new IllegalStateException(this.kind);
			};
		}

		boolean isWrite() {
			return !this.kind.startsWith("get");
		}

		@Override
		public String toString() {
			return this.kind + " " + ("setAll".equals(this.kind) ? this.many : this.path + " " + this.value);
		}

	}

	@Provide
	Arbitrary<List<Op>> ops() {
		Arbitrary<String> paths = Arbitraries.of(PATHS);
		Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map((i) -> (Object) i),
				Arbitraries.integers().between(0, 3).map((i) -> (Object) Map.of("x", i, "y", "s" + i)),
				Arbitraries.just("text"));
		Arbitrary<Map<String, Object>> many = Arbitraries.maps(paths, values.injectNull(0.2)).ofMaxSize(3)
			.map(LinkedHashMap::new);
		Arbitrary<Op> op = Combinators
			.combine(Arbitraries.of("get", "getInt", "set", "setPayload", "delete", "update", "setAll"), paths,
					values, many)
			.as(Op::new);
		return op.list().ofMinSize(1).ofMaxSize(12);
	}

	/** What a call gave: its value, or the class and message of what it threw. */
	private static String outcome(Object value) {
		return "= " + value;
	}

	/**
	 * The class and message of a failure. The kind of a leaf in the way ("(a Integer)") is left
	 * out: a backend that checks a write in its own store (Redis' script, reached directly by the
	 * non-blocking path) knows only that it is a leaf, while the sync path may find it first in the
	 * controller's view of a batch.
	 */
	private static String thrown(Throwable failure) {
		String message = String.valueOf(failure.getMessage()).replaceAll(" \\(an? [A-Za-z.]+\\)", "");
		return "! " + failure.getClass().getName() + ": " + message;
	}

	@Property(tries = 100)
	void theAsyncApiGivesTheSyncResults(@ForAll("ops") List<Op> ops) {
		try (Stores stores = new Stores()) {
			List<String> syncResults = new ArrayList<>();
			for (Op op : ops) {
				try {
					syncResults.add(outcome(op.sync(stores.sync)));
				}
				catch (RuntimeException ex) {
					syncResults.add(thrown(ex));
				}
			}
			List<String> asyncResults = new ArrayList<>();
			for (Op op : ops) {
				CompletableFuture<?> future = op.async(stores.async.async());
				Throwable failure = catchThrowable(future::join);
				if (failure == null) {
					asyncResults.add(outcome(future.join()));
				}
				else {
					assertThat(failure).as("%s", op).isInstanceOf(CompletionException.class);
					asyncResults.add(thrown(failure.getCause()));
				}
			}
			assertThat(asyncResults).as("%s", ops).isEqualTo(syncResults);
			stores.assertSame(ops);
		}
	}

	@Property(tries = 50)
	void writesIssuedWithoutWaitingCommitInCallOrder(@ForAll("ops") List<Op> ops) {
		List<Op> writes = ops.stream().filter(Op::isWrite).toList();
		try (Stores stores = new Stores()) {
			List<String> syncResults = new ArrayList<>();
			for (Op op : writes) {
				try {
					syncResults.add(outcome(op.sync(stores.sync)));
				}
				catch (RuntimeException ex) {
					syncResults.add(thrown(ex));
				}
			}
			List<CompletableFuture<?>> futures = new ArrayList<>();
			for (Op op : writes) {
				futures.add(op.async(stores.async.async()));
			}
			List<String> asyncResults = new ArrayList<>();
			for (CompletableFuture<?> future : futures) {
				Throwable failure = catchThrowable(future::join);
				asyncResults.add((failure == null) ? outcome(future.join()) : thrown(failure.getCause()));
			}
			assertThat(asyncResults).as("%s", writes).isEqualTo(syncResults);
			stores.assertSame(writes);
		}
	}

	@Example
	void setAllUnderAStoredLeafFailsWholeAndWritesNothing() {
		try (Stores stores = new Stores()) {
			StateController c = stores.sync;
			c.set("/p/leaf", 5);
			c.set("/persistent/leaf", 6);
			long revision = c.revision();
			Object before = c.get("/");
			int events = stores.syncEvents.size();
			Map<String, Object> writes = new LinkedHashMap<>();
			writes.put("/p/other", 1);
			writes.put("/persistent/other", 2);
			writes.put("/p/leaf/below", 3);
			assertThatThrownBy(() -> c.setAll(writes)).isInstanceOf(StateWriteException.class);
			assertThat(c.get("/")).isEqualTo(before);
			assertThat(c.revision()).isEqualTo(revision);
			assertThat(stores.syncEvents).hasSize(events);
			stores.async.set("/p/leaf", 5);
			Object asyncBefore = stores.async.get("/");
			assertThatThrownBy(() -> stores.async.async().setAll(writes).join())
				.isInstanceOf(CompletionException.class)
				.hasCauseInstanceOf(StateWriteException.class);
			assertThat(stores.async.get("/")).isEqualTo(asyncBefore);
		}
	}

	@Example
	void setAllWritingUnderALeafOfTheSameCallFailsWholeAndWritesNothing() {
		try (Stores stores = new Stores()) {
			Map<String, Object> writes = new LinkedHashMap<>();
			writes.put("/p/a", 5);
			writes.put("/persistent/b", 1);
			writes.put("/p/a/b", 1);
			assertThatThrownBy(() -> stores.sync.setAll(writes)).isInstanceOf(StateWriteException.class);
			assertThat(stores.sync.get("/")).isEqualTo(Map.of());
			assertThatThrownBy(() -> stores.async.async().setAll(writes).join())
				.isInstanceOf(CompletionException.class)
				.hasCauseInstanceOf(StateWriteException.class);
			assertThat(stores.async.get("/")).isEqualTo(Map.of());
			assertThat(stores.syncEvents).isEmpty();
			assertThat(stores.asyncEvents).isEmpty();
		}
	}

	@Example
	void setAllIsOneCommitHeardOncePerChangedPath() {
		try (Stores stores = new Stores()) {
			StateController c = stores.sync;
			c.set("/p/same", 1);
			c.set("/persistent/gone", 1);
			long revision = c.revision();
			stores.syncEvents.clear();
			Map<String, Object> writes = new LinkedHashMap<>();
			writes.put("/p/same", 1);
			writes.put("/p/new", Map.of("k", 2));
			writes.put("/p/new/k", 2);
			writes.put("/persistent/gone", null);
			writes.put("/persistent/made", "v");
			assertThat(c.setAll(writes)).isTrue();
			assertThat(c.revision()).isEqualTo(revision + 1);
			assertThat(stores.syncEvents).containsExactlyInAnyOrder((revision + 1) + " /p/new null->{\"k\":2}",
					(revision + 1) + " /p/new/k null->2",
					(revision + 1) + " /persistent/gone 1->null", (revision + 1) + " /persistent/made null->v");
			assertThat(c.setAll(writes)).isFalse();
			assertThat(c.revision()).isEqualTo(revision + 1);
		}
	}

	/** Two fresh stores, one used through the sync API and one through the async API, with their events. */
	protected final class Stores implements AutoCloseable {

		final List<Path> directories = new ArrayList<>();

		final StateController sync;

		final StateController async;

		final List<String> syncEvents = new CopyOnWriteArrayList<>();

		final List<String> asyncEvents = new CopyOnWriteArrayList<>();

		Stores() {
			this.sync = StateController.create(newBackend(directory()));
			this.async = StateController.create(newBackend(directory()));
			this.sync.subscribe("/**", (e) -> this.syncEvents.add(event(e)));
			this.async.subscribe("/**", (e) -> this.asyncEvents.add(event(e)));
		}

		private Path directory() {
			try {
				Path directory = Files.createTempDirectory("statetree-async");
				this.directories.add(directory);
				return directory;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static String event(StateEvent e) {
			return e.revision() + " " + e.path() + " " + e.prevValue() + "->" + e.newValue()
					+ ((e.payload() != null) ? " " + e.payload() : "");
		}

		void assertSame(Object ops) {
			assertThat(this.async.get("/")).as("%s", ops).isEqualTo(this.sync.get("/"));
			assertThat(this.async.revision()).as("%s", ops).isEqualTo(this.sync.revision());
			assertThat(this.asyncEvents).as("%s", ops).isEqualTo(this.syncEvents);
		}

		@Override
		public void close() {
			this.sync.close();
			this.async.close();
			for (Path directory : this.directories) {
				try (Stream<Path> files = Files.walk(directory)) {
					files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
				}
				catch (IOException ex) {
					// a temporary directory left behind
				}
			}
		}

	}

}
