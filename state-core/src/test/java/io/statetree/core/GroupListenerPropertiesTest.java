package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.backend.InMemoryBackend;
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
 * Group listeners against a simple model (DESIGN §13): random writes to a few keys, each event
 * failing a random number of times, random members, concurrency and dispatch. Every event is
 * handled successfully exactly once (after its failures) when it fails fewer times than the
 * attempts allowed, else it is a dead letter after exactly that many attempts; no event is called
 * after it succeeded; per key, successful handlings come in increasing revision order; the
 * group's cursors reach the last revision.
 */
class GroupListenerPropertiesTest {

	private static final int MAX_ATTEMPTS = 3;

	/** One write: which key, and how often its event fails. */
	record Step(int key, int failures) {
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 5),
				Arbitraries.integers().between(0, 4).edgeCases((c) -> c.includeOnly(0)))
			.as((key, failures) -> new Step(key, (failures >= 3 && failures % 2 == 0) ? 0 : failures));
		return step.list().ofMinSize(1).ofMaxSize(40);
	}

	@Property(tries = 25)
	void everyEventIsHandledOnceOrDeadLetteredInOrderPerKey(@ForAll("steps") List<Step> steps,
			@ForAll @IntRange(min = 1, max = 3) int members, @ForAll @IntRange(min = 1, max = 4) int concurrency,
			@ForAll StateController.Dispatch dispatch) {
		try (StateController c = StateController.builder()
			.backend(new InMemoryBackend())
			.dispatch(dispatch)
			.groupRetries(MAX_ATTEMPTS, Duration.ofMillis(1))
			.groupConcurrency(concurrency)
			.groupClaimTimeout(Duration.ofSeconds(5))
			.build()) {
			Map<Long, Integer> failuresByRevision = new ConcurrentHashMap<>();
			Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
			Map<Long, Integer> succeeded = new ConcurrentHashMap<>();
			Map<String, List<Long>> successOrder = new ConcurrentHashMap<>();
			List<String> errors = new CopyOnWriteArrayList<>();
			StateListener listener = (event) -> {
				long revision = event.revision();
				int call = calls.computeIfAbsent(revision, (r) -> new AtomicInteger()).incrementAndGet();
				if (succeeded.containsKey(revision)) {
					errors.add("revision " + revision + " called after it succeeded");
				}
				Integer failures = failuresByRevision.get(revision);
				if (failures == null) {
					errors.add("revision " + revision + " is not a write of the test");
					return;
				}
				if (call <= failures) {
					throw new IllegalStateException("planned failure " + call);
				}
				succeeded.merge(revision, 1, Integer::sum);
				successOrder.computeIfAbsent(event.pathVariables().get("id"), (k) -> new CopyOnWriteArrayList<>())
					.add(revision);
			};
			for (int m = 0; m < members; m++) {
				c.subscribe("/orders/{id}", listener, SubscribeOptions.group("billing"));
			}
			// the model: per revision its key and its failures
			Map<Long, Step> written = new HashMap<>();
			for (int i = 0; i < steps.size(); i++) {
				Step step = steps.get(i);
				// the failures are known before the event can be handled
				long next = c.revision() + 1;
				failuresByRevision.put(next, step.failures());
				c.set(StatePath.of("/orders/k" + step.key() + "/n"), i);
				assertThat(c.revision()).isEqualTo(next);
				written.put(next, step);
			}
			TreeSet<Long> expectHandled = new TreeSet<>();
			TreeSet<Long> expectDead = new TreeSet<>();
			written.forEach((revision, step) -> (step.failures() < MAX_ATTEMPTS ? expectHandled : expectDead)
				.add(revision));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> succeeded.size() == expectHandled.size()
						&& c.deadLetters("billing").size() == expectDead.size()
						&& c.groups().get(0).pending() == 0);
			assertThat(errors).isEmpty();
			assertThat(new TreeSet<>(succeeded.keySet())).isEqualTo(expectHandled);
			assertThat(succeeded.values()).allMatch((n) -> n == 1);
			List<Long> dead = new ArrayList<>();
			for (DeadLetter letter : c.deadLetters("billing")) {
				dead.add(letter.revision());
				assertThat(letter.attempts()).isEqualTo(MAX_ATTEMPTS);
				assertThat(calls.get(letter.revision()).get()).isEqualTo(MAX_ATTEMPTS);
			}
			assertThat(new TreeSet<>(dead)).isEqualTo(expectDead);
			expectHandled.forEach((revision) -> assertThat(calls.get(revision).get())
				.isEqualTo(written.get(revision).failures() + 1));
			successOrder.values().forEach((order) -> assertThat(order).isSorted().doesNotHaveDuplicates());
		}
	}

}
