package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.redis.test.ConnectionKiller;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random writes, updates, deletes and batches from two controllers on one namespace while every
 * client connection is killed at a random rate (issue 19 point 3): the tree ends where a
 * sequential model of the calls that returned says (a call that threw applied nothing), and each
 * instance's listener hears exactly the commits of the log, once each, in revision order.
 */
class RedisConnectionKillPropertiesTest {

	private static final List<String> KEYS = List.of("/k/a", "/k/b", "/k/c", "/k/d");

	private static final RedisTestFixture REDIS = new RedisTestFixture("kill-props", 3);

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	/**
	 * One call: on instance {@code instance}, kind 0 set, 1 update (add), 2 delete, 3 a batch of
	 * its {@code inner} operations (sets and updates).
	 */
	record Op(int instance, int kind, int key, int value, List<Op> inner) {
	}

	@Provide
	Arbitrary<List<Op>> calls() {
		Arbitrary<Op> simple = Combinators
			.combine(Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 2),
					Arbitraries.integers().between(0, KEYS.size() - 1), Arbitraries.integers().between(1, 50))
			.as((instance, kind, key, value) -> new Op(instance, kind, key, value, List.of()));
		Arbitrary<Op> batch = Combinators
			.combine(Arbitraries.integers().between(0, 1), simple.filter((op) -> op.kind() != 2).list().ofMinSize(2)
				.ofMaxSize(3))
			.as((instance, inner) -> new Op(instance, 3, 0, 0, inner));
		return Arbitraries.frequencyOf(Tuple.of(3, simple), Tuple.of(1, batch))
			.list()
			.ofMinSize(20)
			.ofMaxSize(60);
	}

	@Property(tries = 12)
	void theTreeAndEveryListenerAgreeWithTheCallsThatReturned(@ForAll("calls") List<Op> calls,
			@ForAll @IntRange(min = 20, max = 100) int killEveryMillis) {
		String namespace = REDIS.newNamespace();
		List<List<String>> heard = List.of(Collections.synchronizedList(new ArrayList<>()),
				Collections.synchronizedList(new ArrayList<>()));
		Map<String, Integer> model = new HashMap<>();
		try (StateController first = controller(REDIS.factory(), namespace, "first");
				StateController second = controller(REDIS.factory(1), namespace, "second")) {
			List<StateController> instances = List.of(first, second);
			for (int i = 0; i < 2; i++) {
				List<String> events = heard.get(i);
				instances.get(i).subscribe("/k/*", (e) -> events.add(event(e.revision(), e.path().toString(), e.newValue())));
			}
			try (ConnectionKiller killer = ConnectionKiller.start(REDIS.factory(2), Duration.ofMillis(killEveryMillis))) {
				// the calls again and again until connections were killed three times meanwhile
				do {
					run(instances, calls, model);
				}
				while (killer.rounds() < 3);
			}
			// the last kill may still hold a connection in its reconnect
			await().atMost(Duration.ofSeconds(10))
				.ignoreExceptionsInstanceOf(StateStorageException.class)
				.untilAsserted(() -> {
					for (String key : KEYS) {
						assertThat(first.get(key)).as(key).isEqualTo(model.get(key));
						assertThat(second.get(key)).as(key).isEqualTo(model.get(key));
					}
				});
			List<String> log = new ArrayList<>();
			for (Commit commit : first.history(0, 10_000)) {
				for (ChangedPath change : commit.changes()) {
					if (change.path().toString().startsWith("/k/")) {
						log.add(event(commit.revision(), change.path().toString(), change.newValue()));
					}
				}
			}
			log.sort(Comparator.naturalOrder());
			for (int i = 0; i < 2; i++) {
				List<String> events = heard.get(i);
				await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= log.size());
				List<String> received;
				synchronized (events) {
					received = List.copyOf(events);
				}
				List<Long> revisions = received.stream().map((e) -> Long.parseLong(e.substring(0, 12))).toList();
				assertThat(revisions).as("revisions heard by instance " + i).isSorted();
				List<String> sorted = new ArrayList<>(received);
				sorted.sort(Comparator.naturalOrder());
				assertThat(sorted).as("events heard by instance " + i).isEqualTo(log);
			}
		}
	}

	/** Makes the calls in order; the model follows those that returned. */
	private static void run(List<StateController> instances, List<Op> calls, Map<String, Integer> model) {
		for (Op op : calls) {
			StateController c = instances.get(op.instance());
			Map<String, Integer> after = new HashMap<>(model);
			try {
				if (op.kind() == 3) {
					c.batch(() -> {
						for (Op inner : op.inner()) {
							apply(c, inner, after);
						}
					});
				}
				else {
					apply(c, op, after);
				}
			}
			catch (StateStorageException ex) {
				// the call applied nothing: the model stays
				continue;
			}
			model.clear();
			model.putAll(after);
		}
	}

	/** Applies a set, update or delete through the controller, and to the model. */
	private static void apply(StateController c, Op op, Map<String, Integer> model) {
		String key = KEYS.get(op.key());
		if (op.kind() == 0) {
			c.set(key, op.value());
			model.put(key, op.value());
		}
		else if (op.kind() == 1) {
			c.update(key, Integer.class, (n) -> ((n != null) ? n : 0) + op.value());
			model.merge(key, op.value(), Integer::sum);
		}
		else {
			c.delete(key);
			model.remove(key);
		}
	}

	/** An event as text that sorts by revision, then path. */
	private static String event(long revision, String path, Object value) {
		return String.format("%012d %s %s", revision, path, value);
	}

	private static StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		return StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.build();
	}

}
