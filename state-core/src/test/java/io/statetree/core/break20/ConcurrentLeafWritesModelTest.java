package io.statetree.core.break20;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaf reads and writes under concurrency against a model (issue 20's write path): six threads
 * make random sets, deletes, {@code update}s, subtree writes, {@code setAll}s, read-then-write
 * batches and shared increments through one controller. Each thread owns its keys, so its own
 * sequential model says what they hold at the end; shared counters count every call. A listener
 * on {@code /w/**} must hear each leaf's changes as a chain (each old value the previous new
 * value, from nothing to what the tree finally holds) in revision order, and a reopened file
 * directory must hold the same.
 */
class ConcurrentLeafWritesModelTest {

	static final int THREADS = 6;

	record Heard(String path, long revision, @Nullable Object prev, @Nullable Object next) {
	}

	@Property(tries = 12)
	void onMemory(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
		run(InMemoryBackend::new, seed, 250, null);
	}

	@Property(tries = 4)
	void onFilesWithoutFsync(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
		Path directory = Files.createTempDirectory("break20-conc");
		try {
			run(() -> FileSystemBackend.builder(directory).fsync(false).build(), seed, 60, directory);
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	@Property(tries = 2)
	void onFilesWithFsync(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
		Path directory = Files.createTempDirectory("break20-conc");
		try {
			run(() -> FileSystemBackend.builder(directory).fsync(true).build(), seed, 40, directory);
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	@Property(tries = 4)
	void onAHybridWithAFileMount(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
		Path directory = Files.createTempDirectory("break20-conc");
		try {
			run(() -> new HybridBackend(new InMemoryBackend()).mount("/w/t1",
					FileSystemBackend.builder(directory).fsync(false).build()), seed, 60, null);
		}
		finally {
			Break20Support.deleteTree(directory);
		}
	}

	private static void run(Supplier<StateBackend> backends, long seed, int opsPerThread, @Nullable Path reopen)
			throws Exception {
		List<Heard> heard = new CopyOnWriteArrayList<>();
		Map<Integer, Map<String, Long>> models = new ConcurrentHashMap<>();
		AtomicLong sharedUpdates = new AtomicLong();
		AtomicLong sharedIncrements = new AtomicLong();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		Map<String, Object> finalTree;
		try (StateController state = StateController.builder()
			.backend(backends.get())
			.dispatch(StateController.Dispatch.SYNC)
			.onError(StateController.OnError.RETHROW)
			.build()) {
			state.subscribe("/w/**", (StateEvent event) -> {
				// the leaves only: a subtree write is also heard at its own (branch) path
				if (event.path().equals(event.emittingPath()) && event.path().toString().matches("/w/t\\d+/k\\d")) {
					heard.add(new Heard(event.path().toString(), event.revision(), event.prevValue(), event.newValue()));
				}
			});
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				threads.add(new Thread(() -> {
					Random random = new Random(seed * 31 + thread);
					Map<String, Long> model = new LinkedHashMap<>();
					String base = "/w/t" + thread;
					try {
						for (int n = 0; n < opsPerThread; n++) {
							String key = "k" + random.nextInt(4);
							long value = 1 + random.nextInt(50);
							switch (random.nextInt(8)) {
								case 0 -> {
									state.set(base + "/" + key, value);
									model.put(key, value);
								}
								case 1 -> {
									state.delete(base + "/" + key);
									model.remove(key);
								}
								case 2 -> {
									Long result = state.update(base + "/" + key, Long.class, (v) -> (v == null) ? 1L : v + 1);
									long expected = model.getOrDefault(key, 0L) + 1;
									model.put(key, expected);
									assertThat(result).as("update's result at " + base + "/" + key).isEqualTo(expected);
								}
								case 3 -> {
									Map<String, Object> branch = new LinkedHashMap<>();
									branch.put("k0", value);
									branch.put("k2", value + 1);
									state.set(base, branch);
									model.clear();
									model.put("k0", value);
									model.put("k2", value + 1);
								}
								case 4 -> {
									Map<String, Object> writes = new HashMap<>();
									writes.put(base + "/k1", value);
									writes.put(base + "/k3", null);
									state.setAll(writes);
									model.put("k1", value);
									model.remove("k3");
								}
								case 5 -> {
									state.update("/shared/c", Long.class, (v) -> (v == null) ? 1L : v + 1);
									sharedUpdates.incrementAndGet();
								}
								case 6 -> {
									state.batch(() -> {
										Long k0 = state.get(base + "/k0", Long.class);
										state.set(base + "/k1", ((k0 == null) ? 0L : k0) + 1);
									});
									model.put("k1", model.getOrDefault("k0", 0L) + 1);
								}
								default -> {
									state.increment("/shared/n", 1);
									sharedIncrements.incrementAndGet();
								}
							}
							Object read = state.get(base + "/" + key);
							Long expected = model.get(key);
							assertThat(read == null ? null : ((Number) read).longValue())
								.as("thread " + thread + " reads its own write at " + base + "/" + key).isEqualTo(expected);
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
					models.put(thread, model);
				}));
			}
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(failures).as("failures in writer threads").isEmpty();
			for (int t = 0; t < THREADS; t++) {
				assertThat(Break20Support.sameJson(Break20Support.pruned(state.get("/w/t" + t)),
						Break20Support.pruned(models.get(t))))
					.as("thread " + t + "'s keys: " + Break20Support.ordered(state.get("/w/t" + t)) + " model "
							+ models.get(t))
					.isTrue();
			}
			assertThat(state.get("/shared/c", Long.class, 0L)).as("every update counted").isEqualTo(sharedUpdates.get());
			assertThat(state.get("/shared/n", Long.class, 0L)).as("every increment counted")
				.isEqualTo(sharedIncrements.get());
			finalTree = OrderModel.copyOf(castMap(state.get("/w")));
		}
		// the listener heard every leaf's changes as one chain, in revision order
		long lastRevision = 0;
		Map<String, String> current = new HashMap<>();
		Map<String, Long> lastRevisionAt = new HashMap<>();
		for (Heard event : heard) {
			assertThat(event.revision()).as("events in revision order: " + event).isGreaterThanOrEqualTo(lastRevision);
			lastRevision = event.revision();
			String prev = Break20Support.ordered(event.prev());
			assertThat(prev).as("old value of " + event + " is the previous new value")
				.isEqualTo(current.getOrDefault(event.path(), "null"));
			assertThat(lastRevisionAt.getOrDefault(event.path(), 0L)).as("one event per path and commit: " + event)
				.isLessThan(event.revision());
			lastRevisionAt.put(event.path(), event.revision());
			current.put(event.path(), Break20Support.ordered(event.next()));
		}
		for (int t = 0; t < THREADS; t++) {
			for (int k = 0; k < 4; k++) {
				String path = "/w/t" + t + "/k" + k;
				Long expected = models.get(t).get("k" + k);
				assertThat(current.getOrDefault(path, "null")).as("last event at " + path)
					.isEqualTo((expected == null) ? "null" : expected.toString());
			}
		}
		if (reopen != null) {
			try (StateController again = StateController.create(FileSystemBackend.builder(reopen).fsync(false).build())) {
				assertThat(Break20Support.sameJson(Break20Support.pruned(again.get("/w")), Break20Support.pruned(finalTree)))
					.as("reopened").isTrue();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> castMap(@Nullable Object value) {
		return (value == null) ? new LinkedHashMap<>() : (Map<String, Object>) value;
	}

}
