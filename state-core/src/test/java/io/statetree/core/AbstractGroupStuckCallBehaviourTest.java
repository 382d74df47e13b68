package io.statetree.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import io.statetree.core.backend.StateBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Group members whose listener hangs, closes its own subscription or fails badly (DESIGN §13),
 * on every backend (and across two instances where the backend is shared): a member never takes
 * back a partition while a call of its own on it still runs; calls stuck past the claim timeout
 * do not stall the member's other partitions; a call that closes its own member is acknowledged.
 */
public abstract class AbstractGroupStuckCallBehaviourTest extends GroupListenerFixture {

	/**
	 * A listener that hangs in the calls the predicate picks (by call number, from 1) until
	 * released, records each call that returns as {@code member:revision}, and records a call that
	 * starts while the same member still runs a call on the same key.
	 */
	private static final class Hanging {

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger calls = new AtomicInteger();

		final List<String> handled = new CopyOnWriteArrayList<>();

		final List<Long> hung = new CopyOnWriteArrayList<>();

		final List<String> selfOverlaps = new CopyOnWriteArrayList<>();

		private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

		StateListener member(String name, IntPredicate hangs) {
			return (event) -> {
				String key = name + "@" + event.path();
				AtomicInteger inFlight = this.running.computeIfAbsent(key, (k) -> new AtomicInteger());
				if (inFlight.incrementAndGet() > 1) {
					this.selfOverlaps.add(key + "@" + event.revision());
				}
				try {
					if (hangs.test(this.calls.incrementAndGet())) {
						this.hung.add(event.revision());
						waitFor(this.release);
					}
					this.handled.add(name + ":" + event.revision());
				}
				finally {
					inFlight.decrementAndGet();
				}
			};
		}

		long distinctRevisions() {
			return this.handled.stream().map((h) -> h.substring(h.indexOf(':') + 1)).distinct().count();
		}

	}

	/** Two controllers on one store (claims last 2 s); the first with the given concurrency. */
	private StateController[] twoInstances(int firstConcurrency) {
		StateBackend first = newBackend(scratch());
		StateBackend second = sameStore(first);
		Assumptions.assumeTrue(second != null, "the backend is shared");
		Duration claims = Duration.ofSeconds(2);
		return new StateController[] {
				open(builder(first).groupClaimTimeout(claims).groupConcurrency(firstConcurrency)),
				open(builder(second).groupClaimTimeout(claims)) };
	}

	// ------------------------------------------------------------------ a stuck call

	@Test
	void aStuckMemberNeverTakesBackItsLapsedPartitionWhileItsCallStillRuns() {
		StateController[] ab = twoInstances(4);
		Hanging listener = new Hanging();
		ab[0].subscribe("/a/{id}", listener.member("a", (call) -> call == 1), SubscribeOptions.group("g"));
		ab[1].subscribe("/a/{id}", listener.member("b", (call) -> false), SubscribeOptions.group("g"));
		await().atMost(WAIT).until(() -> ab[0].groups().get(0).members().size() == 2);
		for (int i = 0; i < 16; i++) {
			ab[0].set(StatePath.of("/a/" + i), i);
		}
		// a loaded machine can let the first member's claims lapse before its first call, so the
		// second takes every partition for a while: more keys until the first member hangs in one
		AtomicInteger more = new AtomicInteger(16);
		await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
			if (listener.hung.isEmpty()) {
				int key = more.getAndIncrement();
				ab[0].set(StatePath.of("/a/" + key), key);
			}
			return !listener.hung.isEmpty();
		});
		long stuck = listener.hung.get(0);
		await().atMost(Duration.ofSeconds(2 + 10)).until(() -> listener.handled.contains("b:" + stuck));
		assertThat(listener.handled).doesNotContain("a:" + stuck);
		assertThat(listener.selfOverlaps).isEmpty();
		listener.release.countDown();
		await().atMost(WAIT).until(() -> this.observed.contains("late:g"));
		assertThat(listener.selfOverlaps).isEmpty();
	}

	@Test
	void aStuckMemberOnOneInstanceNeverRunsTwoCallsOnOneKey() {
		// 1 s claims: the hanging call outlasts several of them
		StateController c = open(builder(newBackend(scratch())));
		Hanging listener = new Hanging();
		c.subscribe("/a/{id}", listener.member("a", (call) -> call == 1), SubscribeOptions.group("g"));
		c.subscribe("/a/{id}", listener.member("b", (call) -> false), SubscribeOptions.group("g"));
		await().atMost(WAIT).until(() -> c.groups().get(0).members().size() == 2);
		for (int i = 0; i < 16; i++) {
			c.set(StatePath.of("/a/" + i), i);
		}
		await().atMost(WAIT).until(() -> listener.distinctRevisions() == 16);
		// several claim timeouts with the call still hanging: its member keeps off the partition
		await().during(Duration.ofMillis(2_500)).atMost(WAIT).until(() -> listener.selfOverlaps.isEmpty());
		listener.release.countDown();
		await().atMost(WAIT).until(() -> this.observed.contains("late:g"));
		assertThat(listener.selfOverlaps).isEmpty();
	}

	@Test
	void everyThreadOfAnInstanceStuckHandsItsPartitionsToTheOtherInstance() {
		StateController[] ab = twoInstances(4);
		Hanging listener = new Hanging();
		ab[0].subscribe("/a/{id}", listener.member("a", (call) -> true), SubscribeOptions.group("g"));
		ab[1].subscribe("/a/{id}", listener.member("b", (call) -> false), SubscribeOptions.group("g"));
		await().atMost(WAIT).until(() -> ab[0].groups().get(0).members().size() == 2);
		for (int i = 0; i < 16; i++) {
			ab[0].set(StatePath.of("/a/" + i), i);
		}
		await().atMost(WAIT).until(() -> !listener.hung.isEmpty());
		long first = listener.hung.get(0);
		await().atMost(Duration.ofSeconds(2 + 10)).until(() -> listener.handled.contains("b:" + first));
		// b ends up with every event: a, all of whose calls hang, holds no partition
		await().atMost(WAIT).until(() -> listener.distinctRevisions() == 16);
		assertThat(listener.handled).allMatch((h) -> h.startsWith("b:"));
		assertThat(listener.selfOverlaps).isEmpty();
		listener.release.countDown();
		await().atMost(WAIT).until(() -> this.observed.contains("late:g"));
	}

	@Test
	void oneStuckCallWithConcurrencyOneDoesNotStallTheMembersOtherPartitions() {
		StateController[] ab = twoInstances(1);
		Hanging listener = new Hanging();
		ab[0].subscribe("/a/{id}", listener.member("a", (call) -> call == 1), SubscribeOptions.group("g"));
		ab[1].subscribe("/a/{id}", listener.member("b", (call) -> false), SubscribeOptions.group("g"));
		await().atMost(WAIT).until(() -> ab[0].groups().get(0).members().size() == 2);
		for (int i = 0; i < 32; i++) {
			ab[0].set(StatePath.of("/a/" + i), i);
		}
		await().atMost(Duration.ofSeconds(2 + 13)).until(() -> listener.distinctRevisions() == 32);
		assertThat(listener.selfOverlaps).isEmpty();
		listener.release.countDown();
	}

	/**
	 * One controller, two members, the given concurrency; the calls the mask picks (call numbers
	 * 1 to 8, bit n-1 for call n) hang: every key is still handled, within ten claim timeouts, as
	 * long as the stuck calls hold fewer threads than the group may add in their place.
	 */
	@ParameterizedTest
	@CsvSource({ "1, 1", "1, 4", "2, 3", "2, 5", "3, 21" })
	void stuckCallsBelowTwiceTheConcurrencyStallNoKey(int concurrency, int hangMask) {
		StateController c = open(builder(newBackend(scratch())).groupConcurrency(concurrency));
		Hanging listener = new Hanging();
		IntPredicate hangs = (call) -> call <= 8 && (hangMask & (1 << (call - 1))) != 0;
		assertThat(Integer.bitCount(hangMask)).isLessThan(2 * concurrency);
		c.subscribe("/a/{id}", listener.member("a", hangs), SubscribeOptions.group("g"));
		c.subscribe("/a/{id}", listener.member("b", hangs), SubscribeOptions.group("g"));
		for (int i = 0; i < 16; i++) {
			c.set(StatePath.of("/a/" + i), i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> listener.distinctRevisions() == 16);
		assertThat(listener.selfOverlaps).isEmpty();
		listener.release.countDown();
	}

	// ------------------------------------------------------------------ closing, errors, inspection

	/**
	 * The member leaves inside its call on {@code /a/1}; the next member hears {@code /a/2} and a
	 * last write to {@code /a/1}, and not {@code /a/1}'s first event again. The test goes on once the
	 * close has returned (until then the member may rightly take {@code /a/2} on another thread),
	 * and the claims take a stall (a lapsed claim rightly hands {@code /a/1} on unacknowledged). The
	 * last write shows that nothing more comes: a key's events are handled in revision order, so a
	 * redelivery of {@code /a/1} would come before it.
	 */
	@Test
	void aMemberThatClosesItsOwnSubscriptionInItsCallHasTheEventAcknowledged() {
		StateController c = controller();
		List<Long> first = new CopyOnWriteArrayList<>();
		AtomicReference<Subscription> own = new AtomicReference<>();
		CountDownLatch ready = new CountDownLatch(1);
		CountDownLatch closed = new CountDownLatch(1);
		own.set(c.subscribe("/a/{id}", (event) -> {
			waitFor(ready);
			first.add(event.revision());
			own.get().close();
			closed.countDown();
		}, SubscribeOptions.group("g")));
		ready.countDown();
		c.set(StatePath.of("/a/1"), 1);
		long one = c.revision();
		assertThat(waitFor(closed)).as("the member's close from its call returned").isTrue();
		List<Long> second = new CopyOnWriteArrayList<>();
		c.subscribe("/a/{id}", (event) -> second.add(event.revision()), SubscribeOptions.group("g"));
		c.set(StatePath.of("/a/2"), 2);
		long two = c.revision();
		c.set(StatePath.of("/a/1"), "last");
		long last = c.revision();
		await().atMost(WAIT).until(() -> second.contains(two) && second.contains(last));
		assertThat(first).containsExactly(one);
		assertThat(second).containsExactlyInAnyOrder(two, last);
		assertThat(this.observed).doesNotContain("late:g");
	}

	@Test
	void aStackOverflowInTheListenerIsAFailedAttemptThatIsRetried() {
		StateController c = controller();
		AtomicInteger calls = new AtomicInteger();
		List<Long> handled = new CopyOnWriteArrayList<>();
		c.subscribe("/a/{id}", (event) -> {
			if (calls.incrementAndGet() == 1) {
				throw new StackOverflowError();
			}
			handled.add(event.revision());
		}, SubscribeOptions.group("g"));
		c.set(StatePath.of("/a/1"), 1);
		long revision = c.revision();
		await().atMost(WAIT).until(() -> handled.size() == 1);
		assertThat(handled).containsExactly(revision);
		assertThat(this.observed).contains("retried:g");
		assertThat(calls.get()).isEqualTo(2);
	}

	@Test
	void deadLettersAreRefusedAfterTheControllerIsClosed() {
		StateController c = controller();
		c.subscribe("/a/{id}", (event) -> {
			throw new IllegalStateException("boom");
		}, SubscribeOptions.group("g"));
		c.set(StatePath.of("/a/1"), 1);
		await().atMost(WAIT).until(() -> c.deadLetters("g").size() == 1);
		DeadLetter letter = c.deadLetters("g").get(0);
		c.close();
		assertThatThrownBy(letter::redeliver).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(letter::discard).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.deadLetters("g")).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void theGroupsWakeUpListenerIsDescribedByItsGroup() {
		StateController c = controller();
		c.subscribe("/a/{id}", (event) -> {
		}, SubscribeOptions.group("billing"));
		c.subscribe("/a/{id}", (event) -> {
		}, SubscribeOptions.group("billing"));
		assertThat(c.registrations().listeners()).singleElement()
			.satisfies((info) -> assertThat(info.description())
				.isEqualTo("group 'billing' wake-up (2 members on this instance)"));
		assertThat(Set.of(c.registrations().listeners().get(0).pattern())).containsExactly("/a/{id}");
	}

}
