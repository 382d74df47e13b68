package io.statetree.core.break25;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.Subscription;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * break25: synchronous dispatch delivers a write one idle listener hears past its queue (direct
 * delivery) and every other write through the queue. A listener must not tell which: the same
 * script of writes, run once with the listener alone and once with a second, passive listener
 * hearing every commit (which keeps every commit off the direct path), gives the listener the same
 * events (revision, paths, values, resync), the writer the same results (returns and rethrown
 * failures), and the same tree. The listener's reactions are random: writes from inside its
 * callback (cascades, some into its own pattern), throws, {@code stopBubbling}, subscribing and
 * closing a listener of its own from inside the callback; with {@code on-error} log and rethrow,
 * and queue capacities from 1 (overflow and resync) to the default.
 */
class DirectDeliveryDifferentialPropertiesTest {

	/** What the listener does on hearing the n-th event. */
	enum Reaction {

		NOTHING, WRITE_OWN, WRITE_TWO_OWN, WRITE_ELSEWHERE, THROW, STOP, SUBSCRIBE_INNER, CLOSE_INNER

	}

	record Scenario(List<Integer> writes, List<Reaction> reactions, int capacity, StateController.OnError onError) {
	}

	@Provide
	Arbitrary<Scenario> scenarios() {
		Arbitrary<List<Integer>> writes = Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(12);
		Arbitrary<List<Reaction>> reactions = Arbitraries.of(Reaction.class).list().ofMinSize(1).ofMaxSize(20);
		Arbitrary<Integer> capacity = Arbitraries.of(1, 2, 3, 10_000);
		Arbitrary<StateController.OnError> onError = Arbitraries.of(StateController.OnError.class);
		return Combinators.combine(writes, reactions, capacity, onError).as(Scenario::new);
	}

	@Property(tries = 300)
	void aListenerHearsTheSameWithAndWithoutASecondListener(@ForAll("scenarios") Scenario scenario) {
		List<String> alone = run(scenario, false);
		List<String> withSecond = run(scenario, true);
		Statistics.label("resync").collect(alone.stream().anyMatch((line) -> line.contains("resync")));
		Statistics.label("rethrown").collect(alone.stream().anyMatch((line) -> line.contains("threw")));
		assertThat(alone).as("alone (direct) vs with a second listener (queued), %s", scenario).isEqualTo(withSecond);
	}

	private static List<String> run(Scenario scenario, boolean second) {
		List<String> seen = new CopyOnWriteArrayList<>();
		StateController c = StateController.builder()
			.onError(scenario.onError())
			.queueCapacity(scenario.capacity())
			.offerTimeout(Duration.ofMillis(200))
			.build();
		try (c) {
			AtomicInteger heard = new AtomicInteger();
			List<Subscription> inner = new ArrayList<>();
			c.subscribe("/in/*", (event) -> {
				int n = heard.getAndIncrement();
				seen.add("L " + describe(event));
				Reaction reaction = scenario.reactions().get(n % scenario.reactions().size());
				if (n >= 40) {
					return; // the cascade ends
				}
				switch (reaction) {
					case WRITE_OWN -> event.set("/in/c" + (n % 3), n);
					case WRITE_TWO_OWN -> {
						event.set("/in/d", n);
						event.set("/in/e", n);
					}
					case WRITE_ELSEWHERE -> event.set("/out/" + (n % 2), n);
					case THROW -> throw new IllegalStateException("listener failure " + n);
					case STOP -> event.stopBubbling();
					case SUBSCRIBE_INNER -> inner.add(c.subscribe("/in/**", (e) -> seen.add("I " + describe(e))));
					case CLOSE_INNER -> {
						if (!inner.isEmpty()) {
							inner.remove(0).close();
						}
					}
					default -> {
					}
				}
			});
			if (second) {
				c.subscribe("/**", (event) -> {
				});
			}
			for (int i = 0; i < scenario.writes().size(); i++) {
				String result;
				try {
					result = String.valueOf(c.set("/in/" + scenario.writes().get(i), i));
				}
				catch (RuntimeException ex) {
					result = "threw " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
				}
				seen.add("W " + i + " " + result);
			}
			seen.add("tree " + c.get("/"));
		}
		return seen;
	}

	private static String describe(StateEvent event) {
		return event.revision() + " " + event.path() + " " + event.emittingPath() + " " + event.prevValue() + "->"
				+ event.newValue() + (event.isResync() ? " resync" : "") + " caused by " + event.causedBy();
	}

}
