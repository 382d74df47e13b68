package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redelivery checks of the group listener suite ({@link AbstractGroupListenerBehaviourTest}), run
 * on every backend: a redelivered event equals the original in every field a listener reads, and
 * a handled redelivery is never handled again when its partition changes hands.
 */
final class GroupRedeliveryChecks {

	private static final Duration WAIT = AbstractGroupListenerBehaviourTest.WAIT;

	private GroupRedeliveryChecks() {
	}

	/** Everything a listener can read of an event (but the controller). */
	record Seen(String path, String emittingPath, @Nullable Object prevValue, @Nullable Object newValue,
			@Nullable Object payload, Map<String, String> variables, long revision, String origin,
			@Nullable String actor, long causedBy, boolean ping, boolean expiry, boolean resync) {

		static Seen of(StateEvent e) {
			return new Seen(e.path().toString(), e.emittingPath().toString(), e.prevValue(), e.newValue(), e.payload(),
					Map.copyOf(e.pathVariables()), e.revision(), e.origin(), e.actor(), e.causedBy(), e.isPing(),
					e.isExpiry(), e.isResync());
		}

		String id() {
			return this.revision + " " + this.path;
		}

	}

	/**
	 * Random writes of every kind (with and without actor, with a payload, subtree and parent
	 * writes, deletes, writes made by a listener, expiries) to a group whose listener fails until
	 * every event is a dead letter; then every letter is redelivered: each redelivered event equals
	 * the one first heard. Breaker 15 finding 6 (the actor was lost) is the first write.
	 * @param c the controller
	 * @param seed the random seed
	 */
	static void redeliveredEventsEqualTheOriginals(StateController c, long seed) {
		Random random = new Random(seed);
		AtomicBoolean failing = new AtomicBoolean(true);
		Map<String, Seen> first = new ConcurrentHashMap<>();
		Map<String, Seen> again = new ConcurrentHashMap<>();
		AtomicInteger repeated = new AtomicInteger();
		c.subscribe("/k/{id}", (event) -> {
			Seen seen = Seen.of(event);
			if (failing.get()) {
				first.putIfAbsent(seen.id(), seen);
				throw new IllegalStateException("down");
			}
			if (again.putIfAbsent(seen.id(), seen) != null) {
				repeated.incrementAndGet();
			}
		}, SubscribeOptions.group("g"));
		// an ordinary listener that writes: its commits carry causedBy
		c.subscribe("/trigger/{id}", (event) -> {
			if (event.newValue() != null) {
				c.set(StatePath.of("/k/t" + event.pathVariables().get("id")), event.newValue());
			}
		});
		c.set(StatePath.of("/k/1"), Map.of("name", "ada"), WriteOptions.actor("alice"));
		List<StatePath> expiring = new ArrayList<>();
		for (int i = 0; i < 14; i++) {
			StatePath key = StatePath.of("/k/" + random.nextInt(5));
			Object value = value(random);
			switch (random.nextInt(7)) {
				case 0 -> c.set(key, value, WriteOptions.actor("user-" + random.nextInt(3)));
				case 1 -> c.set(key, value, WriteOptions.payload("p" + i).withActor("bob"));
				case 2 -> {
					if (c.get(key) instanceof Map) {
						c.set(key.child("inner"), value);
					}
					else {
						c.set(key, Map.of("inner", value));
					}
				}
				case 3 -> c.delete(key);
				case 4 -> c.set(StatePath.of("/trigger/" + i), value);
				case 5 -> {
					StatePath short_ = StatePath.of("/k/x" + i);
					c.set(short_, value, WriteOptions.ttl(Duration.ofMillis(50)));
					expiring.add(short_);
				}
				default -> c.set(StatePath.of("/k"), Map.of("a" + random.nextInt(3), value));
			}
		}
		c.set(StatePath.of("/trigger/last"), "caused");
		c.set(StatePath.of("/k/expiring"), "soon", WriteOptions.ttl(Duration.ofMillis(50)));
		expiring.add(StatePath.of("/k/expiring"));
		await().atMost(WAIT).until(() -> expiring.stream().allMatch((p) -> c.get(p) == null));
		await().atMost(WAIT).until(() -> !first.isEmpty() && c.deadLetters("g").size() == first.size());
		await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> c.deadLetters("g").size() == first.size());
		assertThat(first.values()).as("the writes include an expiry and a write by a listener")
			.anyMatch(Seen::expiry).anyMatch((s) -> s.causedBy() != 0).anyMatch((s) -> "alice".equals(s.actor()));
		failing.set(false);
		for (DeadLetter letter : c.deadLetters("g")) {
			assertThat(letter.redeliver()).isTrue();
		}
		await().atMost(WAIT).until(() -> again.size() == first.size());
		assertThat(again).as("seed %d", seed).isEqualTo(first);
		assertThat(repeated.get()).isZero();
		assertThat(c.deadLetters("g")).isEmpty();
	}

	private static Object value(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> random.nextInt(100);
			case 1 -> "s" + random.nextInt(100);
			case 2 -> random.nextBoolean();
			case 3 -> List.of(random.nextInt(9), "x");
			case 4 -> 5_000_000_000L + random.nextInt(9);
			default -> {
				Map<String, Object> map = new LinkedHashMap<>();
				map.put("n", random.nextInt(9));
				map.put("m", Map.of("deep", "v" + random.nextInt(9)));
				yield map;
			}
		};
	}

	/**
	 * Breaker 15 finding 5: 8 letters parked, all redelivered and each handled once; then a second
	 * member joins and takes partitions: no redelivered letter is handled again.
	 * @param a the first member's controller
	 * @param b the second member's controller (the same or another instance)
	 * @param claims counts the partitions claimed so far by either ({@link ControllerObserver#onGroupClaimed})
	 */
	static void aHandledRedeliveryStaysHandledWhenItsPartitionMoves(StateController a, StateController b,
			IntSupplier claims) {
		AtomicBoolean failing = new AtomicBoolean(true);
		List<String> handled = new CopyOnWriteArrayList<>();
		a.subscribe("/a/{id}", (e) -> {
			if (failing.get()) {
				throw new IllegalStateException("boom");
			}
			handled.add("a " + e.revision() + " " + e.path());
		}, SubscribeOptions.group("g"));
		for (int i = 0; i < 8; i++) {
			a.set(StatePath.of("/a/" + i), i);
		}
		long parked = a.revision();
		await().atMost(WAIT).until(() -> a.deadLetters("g").size() == 8);
		failing.set(false);
		for (DeadLetter l : a.deadLetters("g")) {
			assertThat(l.redeliver()).isTrue();
		}
		await().atMost(WAIT).until(() -> handled.size() == 8);
		int before = claims.getAsInt();
		b.subscribe("/a/{id}", (e) -> handled.add("b " + e.revision() + " " + e.path()), SubscribeOptions.group("g"));
		// b takes its share from a (half the partitions: 8 of 16)
		await().atMost(WAIT).until(() -> claims.getAsInt() >= before + 8);
		// a later write to each key is handled after every call of its earlier events (one key, one
		// call at a time, in revision order): once these are handled, a letter handled again would
		// have been, so no fixed wait for a second handling
		List<String> later = new java.util.ArrayList<>();
		for (int i = 0; i < 8; i++) {
			a.set(StatePath.of("/a/" + i), "later");
			later.add(a.getVersioned("/a/" + i).revision() + " /a/" + i);
		}
		await().atMost(WAIT).until(() -> later.stream()
			.allMatch((l) -> handled.stream().anyMatch((h) -> h.substring(h.indexOf(' ') + 1).equals(l))));
		assertThat(handled.stream().filter((h) -> Long.parseLong(h.split(" ")[1]) <= parked))
			.as("each redelivered letter handled once").hasSize(8);
	}

}
