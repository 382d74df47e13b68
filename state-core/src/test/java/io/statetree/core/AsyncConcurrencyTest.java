package io.statetree.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads mixing synchronous and asynchronous writes on one controller: the final tree equals
 * a sequential model (asynchronous writes in call order, a synchronous one after the asynchronous
 * ones whose futures completed) (each thread's own paths hold its last value, a shared counter every
 * increment) and a listener hears each commit exactly once, in revision order.
 */
class AsyncConcurrencyTest {

	@TempDir
	Path directory;

	private static final int THREADS = 6;

	private static final int ROUNDS = 60;

	@ParameterizedTest
	@ValueSource(strings = { "memory", "files", "non-blocking" })
	void mixedWritesMatchASequentialModelAndAreHeardOnceInOrder(String kind) throws Exception {
		StateBackend backend = switch (kind) {
			case "memory" -> new InMemoryBackend();
			case "files" -> FileSystemBackend.builder(this.directory).fsync(false).build();
			default -> new NonBlockingFakeBackend();
		};
		List<Long> revisions = new CopyOnWriteArrayList<>();
		try (StateController c = StateController.create(backend)) {
			List<String> events = new CopyOnWriteArrayList<>();
			c.subscribe("/**", (e) -> {
				revisions.add(e.revision());
				events.add(e.revision() + " " + e.path());
			});
			long start = c.revision();
			ExecutorService pool = Executors.newFixedThreadPool(THREADS);
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					List<CompletableFuture<?>> pending = new ArrayList<>();
					for (int i = 1; i <= ROUNDS; i++) {
						String own = "/t" + thread + "/v";
						int value = i;
						int choice = ThreadLocalRandom.current().nextInt(4);
						if (choice == 0 || choice == 3) {
							// a synchronous write is ordered after the asynchronous ones whose
							// futures completed, not after those still queued
							pending.forEach(CompletableFuture::join);
						}
						switch (choice) {
							case 0 -> c.set(own, i);
							case 1 -> pending.add(c.async().set(own, i));
							case 2 -> pending.add(c.async().setAll(Map.of(own, i, "/t" + thread + "/n", i)));
							default -> c.batch(() -> {
								c.get(own);
								c.set(own, value);
							});
						}
						if (i % 2 == 0) {
							pending.add(c.async().update("/count", Integer.class, (v) -> (v == null) ? 1 : v + 1));
						}
						else {
							c.update("/count", Integer.class, (v) -> (v == null) ? 1 : v + 1);
						}
					}
					pending.forEach(CompletableFuture::join);
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
			pool.shutdown();
			for (int t = 0; t < THREADS; t++) {
				assertThat(c.get("/t" + t + "/v")).as("thread %s", t).isEqualTo(ROUNDS);
			}
			assertThat(c.get("/count")).isEqualTo(THREADS * ROUNDS);
			assertThat(new ArrayList<>(revisions)).as("in revision order").isSorted();
			assertThat(new ArrayList<>(events)).as("each change of each commit once").doesNotHaveDuplicates();
			assertThat(revisions.stream().distinct().count()).as("every commit heard")
				.isEqualTo(c.revision() - start);
		}
	}

}
