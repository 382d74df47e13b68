package io.statetree.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group listeners make progress on the wake-ups alone (DESIGN §13): random writes to random keys,
 * interleaved with a random number of releases of listener calls held on gates, random listener
 * durations, concurrency 1 to 4, both dispatch modes, on each backend with a group store of its
 * own (memory, files). Claims last five minutes, so the member's renewal (every third of the
 * claim, the only periodic look at its partitions) comes once, when it joins, and never again
 * within a try: every event is handled exactly once, in revision order per key, within 10 s of
 * the last release. A partition with work whose worker is not woken (a lost wake-up, recovered
 * only by the renewal) fails the bound.
 */
class GroupLivenessPropertiesTest {

	/** Claims no renewal within a try renews. */
	private static final Duration LONG_CLAIMS = Duration.ofMinutes(5);

	/** The bound on handling everything once the last gate is open; far below a renewal period. */
	private static final Duration BOUND = Duration.ofSeconds(10);

	/** The backends with a group store of their own. */
	enum Store {

		MEMORY, FILES

	}

	/**
	 * One write: its key, the gate its call waits for and how long the call then takes.
	 * @param key the key
	 * @param gate the gate, 0 to 3 (gate {@code g} opens after the {@code g}-th phase of writes)
	 * @param millis the call's duration after its gate opened
	 */
	record Step(int key, int gate, int millis) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 9),
				Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 15))
			.as(Step::new);
		return step.list().ofMinSize(1).ofMaxSize(24);
	}

	@Property(tries = 100)
	void everyEventIsHandledOnceWithoutWaitingForARenewal(@ForAll("steps") List<Step> steps,
			@ForAll @IntRange(min = 1, max = 4) int concurrency, @ForAll @IntRange(min = 1, max = 4) int releases,
			@ForAll StateController.Dispatch dispatch, @ForAll Store store) throws IOException {
		Path scratch = Files.createTempDirectory("statetree-liveness");
		CountDownLatch[] gates = new CountDownLatch[4];
		for (int g = 0; g < gates.length; g++) {
			gates[g] = new CountDownLatch(1);
		}
		try (StateController c = StateController.builder()
			.backend(backend(store, scratch))
			.dispatch(dispatch)
			.groupConcurrency(concurrency)
			.groupClaimTimeout(LONG_CLAIMS)
			.build()) {
			Map<Long, Step> written = new ConcurrentHashMap<>();
			Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
			Map<String, List<Long>> order = new ConcurrentHashMap<>();
			List<String> errors = new CopyOnWriteArrayList<>();
			c.subscribe("/jobs/{id}", (event) -> {
				long revision = event.revision();
				calls.computeIfAbsent(revision, (r) -> new AtomicInteger()).incrementAndGet();
				Step step = written.get(revision);
				if (step == null) {
					errors.add("revision " + revision + " is not a write of the test");
					return;
				}
				try {
					if (!gates[step.gate()].await(60, TimeUnit.SECONDS)) {
						errors.add("gate " + step.gate() + " never opened");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					errors.add("interrupted");
				}
				// the call's own work: it holds its thread (and its key) meanwhile
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(step.millis()));
				order.computeIfAbsent(event.pathVariables().get("id"), (k) -> new CopyOnWriteArrayList<>())
					.add(revision);
			}, SubscribeOptions.group("jobs"));
			// the writes in `releases` phases; after phase p the gates p and below are open
			int perPhase = (steps.size() + releases - 1) / releases;
			Map<Long, Step> model = new HashMap<>();
			int opened = 0;
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				long next = c.revision() + 1;
				// known before the event can be handled
				written.put(next, step);
				c.set(StatePath.of("/jobs/k" + step.key()), i);
				assertThat(c.revision()).isEqualTo(next);
				model.put(next, step);
				if ((i + 1) % perPhase == 0 && opened < gates.length) {
					gates[opened++].countDown();
				}
			}
			for (CountDownLatch gate : gates) {
				gate.countDown();
			}
			await().atMost(BOUND).until(() -> calls.keySet().containsAll(model.keySet())
					&& order.values().stream().mapToInt(List::size).sum() >= model.size());
			assertThat(errors).isEmpty();
			assertThat(calls.keySet()).containsExactlyInAnyOrderElementsOf(model.keySet());
			assertThat(calls.values()).allMatch((n) -> n.get() == 1);
			order.forEach((key, revisions) -> assertThat(revisions).as("key %s", key).isSorted());
			Map<String, List<Long>> expected = new HashMap<>();
			model.forEach((revision, step) -> expected.computeIfAbsent("k" + step.key(),
					(k) -> new ArrayList<>()).add(revision));
			expected.forEach((key, revisions) -> assertThat(order.get(key))
				.containsExactlyInAnyOrderElementsOf(revisions));
		}
		finally {
			for (CountDownLatch gate : gates) {
				gate.countDown();
			}
			delete(scratch);
		}
	}

	private static StateBackend backend(Store store, Path scratch) {
		return switch (store) {
			case MEMORY -> new InMemoryBackend();
			case FILES -> FileSystemBackend.builder(scratch.resolve("state")).fsync(false).build();
		};
	}

	private static void delete(Path scratch) {
		try (Stream<Path> walk = Files.walk(scratch)) {
			walk.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
