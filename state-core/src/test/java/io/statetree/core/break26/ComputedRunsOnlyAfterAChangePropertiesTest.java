package io.statetree.core.break26;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.statetree.core.Computed;
import io.statetree.core.StateController;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * break26, area 3: a computed value (and one composed of another) read by several threads while a
 * writer makes commits that leave every path it read as it was (other paths, equal writes in
 * another form, a write above it that keeps it, a batch that writes it and writes it back, an
 * identity {@code update}, a no-op delete): no read throws, every read returns the value of the one
 * state there is, and the function runs once; then one real change, and it runs once more however
 * many threads read (DESIGN §16: "recomputed only on a get after a path it read changed";
 * "concurrent gets compute at most once per change").
 */
class ComputedRunsOnlyAfterAChangePropertiesTest {

	enum Kind {
		MEMORY, FILES, CACHING, HYBRID
	}

	@Provide
	Arbitrary<List<Integer>> noChanges() {
		return Arbitraries.integers().between(0, 8).list().ofMinSize(1).ofMaxSize(30);
	}

	@Property(tries = 8)
	void runsOnlyAfterAChange(@ForAll Kind kind, @ForAll("noChanges") List<Integer> writes,
			@ForAll StateController.Dispatch dispatch, @ForAll boolean composed) throws Exception {
		Path dir = Files.createTempDirectory("break26-computed");
		StateBackend backend = switch (kind) {
			case MEMORY -> new InMemoryBackend();
			case FILES -> FileSystemBackend.builder(dir).fsync(false).build();
			case CACHING -> new CachingBackend(FileSystemBackend.builder(dir).fsync(false).build(), CachePolicy.defaults());
			case HYBRID -> new HybridBackend(new InMemoryBackend()).mount("/c",
					FileSystemBackend.builder(dir).fsync(false).build());
		};
		StateController c = StateController.builder().backend(backend).dispatch(dispatch).build();
		try {
			c.set("/a", 1);
			c.set("/c", Map.of("d", 10, "e", 0));
			AtomicInteger innerRuns = new AtomicInteger();
			AtomicInteger outerRuns = new AtomicInteger();
			Computed<Integer> inner = c.computed((view) -> {
				innerRuns.incrementAndGet();
				return ((Number) view.get("/a")).intValue() + ((Number) view.get("/c/d")).intValue();
			});
			Computed<Integer> outer = c.computed((view) -> {
				outerRuns.incrementAndGet();
				return inner.get() * 2;
			});
			Computed<Integer> read = composed ? outer : inner;
			int factor = composed ? 2 : 1;
			assertThat(read.get()).isEqualTo(11 * factor);
			Set<Object> seen = ConcurrentHashMap.newKeySet();
			List<Throwable> thrown = new java.util.concurrent.CopyOnWriteArrayList<>();
			AtomicBoolean done = new AtomicBoolean();
			CountDownLatch started = new CountDownLatch(3);
			List<Thread> readers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				Thread t = new Thread(() -> {
					started.countDown();
					while (!done.get()) {
						try {
							seen.add(read.get());
						}
						catch (Throwable ex) {
							thrown.add(ex);
							return;
						}
					}
				});
				t.start();
				readers.add(t);
			}
			started.await();
			int i = 0;
			for (int w : writes) {
				i++;
				int n = i;
				switch (w) {
					case 0 -> c.set("/b", n);
					case 1 -> c.set("/a", 1.0);
					case 2 -> {
						Map<String, Object> v = new LinkedHashMap<>();
						v.put("e", n);
						v.put("d", 10);
						c.set("/c", v);
					}
					case 3 -> c.batch(() -> {
						c.set("/a", 5);
						c.set("/c/d", 7);
						c.set("/a", 1);
						c.set("/c/d", 10);
						c.set("/b", -n);
					});
					case 4 -> c.update("/a", Object.class, (old) -> old);
					case 5 -> c.delete("/z");
					case 6 -> c.setAll(Map.of("/a", 1, "/c/e", n));
					case 7 -> c.increment("/c/e", 1);
					default -> c.set("/c/d", new java.math.BigDecimal("10.0"));
				}
			}
			Thread.onSpinWait();
			int runsBefore = composed ? outerRuns.get() : innerRuns.get();
			c.set("/a", 2);
			long deadline = System.nanoTime() + 200_000_000L;
			while (System.nanoTime() < deadline && !seen.contains(12 * factor)) {
				Thread.onSpinWait();
			}
			done.set(true);
			for (Thread t : readers) {
				t.join(10_000);
			}
			assertThat(thrown).as("reads threw").isEmpty();
			assertThat(read.get()).isEqualTo(12 * factor);
			assertThat(seen).as("values read").isSubsetOf(11 * factor, 12 * factor);
			assertThat(runsBefore).as("runs while nothing it read changed (%s)", kind).isEqualTo(1);
			int runs = composed ? outerRuns.get() : innerRuns.get();
			assertThat(runs).as("runs after one change, several readers").isEqualTo(2);
		}
		finally {
			c.close();
			delete(dir);
		}
	}

	private static void delete(Path dir) {
		try (Stream<Path> walk = Files.walk(dir)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
		catch (IOException ex) {
			// left for the system
		}
	}

}
