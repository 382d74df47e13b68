package io.statetree.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.backend.FileSystemBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group listeners on the filesystem across restarts, against a model: random writes to a few
 * keys, each event failing a planned number of times (counted across restarts), and random
 * restarts (the controller closed with events pending, retries backing off, then a new one opened
 * on the directory). In the end every event that fails fewer times than the attempts allowed is
 * handled successfully exactly once, every other one is exactly one dead letter and never
 * succeeds, and per key the successes come in increasing revision order: nothing is lost or
 * repeated by a restart.
 */
class FileSystemGroupRestartPropertiesTest {

	private static final int MAX_ATTEMPTS = 3;

	private static final String GROUP = "g";

	/** The keys the steps write to: /k/0 .. /k/4. */
	private static final int KEYS = 5;

	/** One step: a write to a key with its event's planned failures, or a restart (key -1). */
	record Step(int key, int failures) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> write = Combinators.combine(Arbitraries.integers().between(0, KEYS - 1),
				Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(2, 1), Tuple.of(1, 1000)))
			.as(Step::new);
		return Arbitraries.frequencyOf(Tuple.of(8, write),
				Tuple.of(1, Arbitraries.just(new Step(-1, 0))))
			.list().ofMinSize(1).ofMaxSize(30);
	}

	@Property(tries = 12)
	void everyEventIsHandledOnceOrDeadLetteredAcrossRestarts(@ForAll("steps") List<Step> steps,
			@ForAll @IntRange(min = 1, max = 2) int members) throws IOException {
		Path dir = Files.createTempDirectory("statetree-group-restarts");
		Map<Long, Integer> planned = new ConcurrentHashMap<>();
		Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
		List<long[]> successes = new CopyOnWriteArrayList<>();
		Map<Long, Integer> keyOf = new HashMap<>();
		try {
			StateController c = open(dir, members, planned, calls, successes);
			try {
				for (Step step : steps) {
					if (step.key() < 0) {
						c.close();
						c = open(dir, members, planned, calls, successes);
						continue;
					}
					// the plan is known before the event can be read
					long next = c.revision() + 1;
					planned.put(next, step.failures());
					keyOf.put(next, step.key());
					c.set("/k/" + step.key(), next);
					assertThat(c.revision()).isEqualTo(next);
				}
				// a last write to each key, never failing: the events of one key are handled one at a
				// time in revision order, so once these succeeded every earlier event of the key was
				// handled or parked (and a second success of one would be in by then)
				List<Long> markers = new java.util.ArrayList<>();
				for (int key = 0; key < KEYS; key++) {
					long next = c.revision() + 1;
					planned.put(next, 0);
					keyOf.put(next, key);
					c.set("/k/" + key, next);
					assertThat(c.revision()).isEqualTo(next);
					markers.add(next);
				}
				StateController last = c;
				long expectedSuccesses = planned.values().stream().filter((f) -> f < MAX_ATTEMPTS).count();
				long expectedLetters = planned.size() - expectedSuccesses;
				await().atMost(Duration.ofSeconds(30)).until(() -> successes.stream().map((s) -> s[0]).toList()
					.containsAll(markers));
				await().atMost(Duration.ofSeconds(30)).until(() -> successes.size() >= expectedSuccesses
						&& last.deadLetters(GROUP).size() >= expectedLetters);
				List<Long> succeeded = successes.stream().map((s) -> s[0]).toList();
				List<Long> shouldSucceed = planned.entrySet().stream().filter((e) -> e.getValue() < MAX_ATTEMPTS)
					.map(Map.Entry::getKey).toList();
				assertThat(succeeded).as("each succeeds exactly once").doesNotHaveDuplicates()
					.containsExactlyInAnyOrderElementsOf(shouldSucceed);
				List<Long> lettered = last.deadLetters(GROUP).stream().map(DeadLetter::revision).toList();
				List<Long> shouldLetter = planned.entrySet().stream().filter((e) -> e.getValue() >= MAX_ATTEMPTS)
					.map(Map.Entry::getKey).toList();
				assertThat(lettered).as("each always failing one is one dead letter").doesNotHaveDuplicates()
					.containsExactlyInAnyOrderElementsOf(shouldLetter);
				Map<Integer, Long> lastByKey = new HashMap<>();
				for (long[] success : successes) {
					Long before = lastByKey.put(keyOf.get(success[0]), success[0]);
					assertThat(before == null || before < success[0]).as("key %s: %s after %s", keyOf.get(success[0]),
							success[0], before).isTrue();
				}
			}
			finally {
				c.close();
			}
		}
		finally {
			try (var walk = Files.walk(dir)) {
				walk.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}
	}

	private static StateController open(Path dir, int members, Map<Long, Integer> planned,
			Map<Long, AtomicInteger> calls, List<long[]> successes) {
		StateController c = StateController.builder()
			.backend(FileSystemBackend.builder(dir).fsync(false).build())
			.groupRetries(MAX_ATTEMPTS, Duration.ofMillis(5))
			.groupClaimTimeout(Duration.ofSeconds(2))
			.build();
		for (int m = 0; m < members; m++) {
			c.subscribe("/k/{id}", (event) -> {
				int call = calls.computeIfAbsent(event.revision(), (r) -> new AtomicInteger()).incrementAndGet();
				if (call <= planned.getOrDefault(event.revision(), 0)) {
					throw new IllegalStateException("planned failure " + call);
				}
				successes.add(new long[] { event.revision() });
			}, SubscribeOptions.group(GROUP));
		}
		return c;
	}

}
