package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sets (with and without a time to live), deletes and increments from two controllers of
 * one namespace, in real time with short times to live, then the change stream replayed against a
 * model of each key's lifetime: every expiry commit deletes a value whose time to live had run out
 * (never before its due time, within one second after it), no commit ever saw an overdue value
 * (the script expires it first), every value whose time to live ran out is expired exactly once,
 * and each controller hears exactly the expiry commits of the stream. Each operation names itself
 * as the actor, so the stream entry tells which operation (and so which lifetime) made it.
 */
@ExtendWith(RedisTestServer.class)
class RedisExpiryRandomOperationsTest {

	private static final int KEYS = 5;

	private static final int OPERATIONS = 60;

	/** Milliseconds between the server's TIME in a script and the id of the entry it appends. */
	private static final long CLOCK_SLACK = 2;

	/** What one operation asked for: a time to live in ms, or 0 for permanent, or -1 for delete. */
	private record Operation(String path, long ttlMillis) {
	}

	/** A key's value as the stream tells it: whether present, and its due time (server ms) or 0. */
	private static final class Generation {

		boolean present;

		long due;

	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3 })
	void expiryCommitsMatchTheModel(long seed, RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<List<String>> heard = new ArrayList<>();
		for (String id : List.of("left", "right")) {
			StateController c = StateController.builder()
				.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
				.instanceId(id)
				.dispatch((seed % 2 == 0) ? StateController.Dispatch.ASYNC : StateController.Dispatch.SYNC)
				.build();
			List<String> expiries = new CopyOnWriteArrayList<>();
			c.subscribe("/m/*", (StateEvent event) -> {
				if (event.isExpiry()) {
					expiries.add(event.path().toString());
				}
			});
			controllers.add(c);
			heard.add(expiries);
		}
		try {
			Map<String, Operation> operations = run(new Random(seed), controllers);
			List<StreamEntry> entries = new ArrayList<>();
			Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
				entries.clear();
				entries.addAll(stream(redis, namespace));
				assertThat(pending(entries, operations)).as("values whose time to live has not been expired").isEmpty();
			});
			List<String> expired = entries.stream().filter(StreamEntry::expiry)
				.map((e) -> e.changes().get(0).path().toString()).toList();
			for (List<String> expiries : heard) {
				Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(
						() -> assertThat(expiries).containsExactlyInAnyOrderElementsOf(expired));
			}
			for (int i = 0; i < KEYS; i++) {
				Generation last = replay(entries, operations).get("/m/k" + i);
				Object expected = (last != null && last.present) ? controllers.get(0).get("/m/k" + i) : null;
				assertThat(controllers.get(1).get("/m/k" + i)).isEqualTo(expected);
				if (last == null || !last.present) {
					assertThat(controllers.get(0).get("/m/k" + i)).isNull();
				}
			}
		}
		finally {
			for (StateController c : controllers) {
				c.close();
			}
		}
	}

	private static Map<String, Operation> run(Random random, List<StateController> controllers) throws Exception {
		Map<String, Operation> operations = new HashMap<>();
		for (int i = 0; i < OPERATIONS; i++) {
			StateController c = controllers.get(random.nextInt(controllers.size()));
			String path = "/m/k" + random.nextInt(KEYS);
			String actor = "op-" + i;
			int kind = random.nextInt(100);
			if (kind < 35) {
				long ttl = 100 + random.nextInt(400);
				operations.put(actor, new Operation(path, ttl));
				c.set(path, i * 1_000, WriteOptions.ttl(Duration.ofMillis(ttl)).withActor(actor));
			}
			else if (kind < 55) {
				operations.put(actor, new Operation(path, 0));
				c.set(path, i * 1_000, WriteOptions.actor(actor));
			}
			else if (kind < 70) {
				operations.put(actor, new Operation(path, -1));
				c.set(path, null, WriteOptions.actor(actor));
			}
			else {
				// no actor: the stream entry of an increment keeps the lifetime there
				c.increment(path, 1 + random.nextInt(5));
			}
			// real time passes for the times to live (Redis has no virtual clock)
			Thread.sleep(random.nextInt(120));
		}
		return operations;
	}

	private static List<StreamEntry> stream(RedisTestServer redis, String namespace) {
		LettuceConnectionFactory factory = redis.newConnectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			List<ByteRecord> records = connection.streamCommands().xRange(Keys.of(namespace).changes(), Range.unbounded());
			return records.stream().map(StreamEntry::of).toList();
		}
	}

	/** The keys whose time to live has not been expired by the end of the stream. */
	private static List<String> pending(List<StreamEntry> entries, Map<String, Operation> operations) {
		List<String> pending = new ArrayList<>();
		replay(entries, operations).forEach((path, generation) -> {
			if (generation.present && generation.due != 0) {
				pending.add(path);
			}
		});
		return pending;
	}

	/** Replays the stream, checking each expiry commit against the key's lifetime. */
	private static Map<String, Generation> replay(List<StreamEntry> entries, Map<String, Operation> operations) {
		Map<String, Generation> keys = new HashMap<>();
		for (StreamEntry entry : entries) {
			String path = entry.changes().get(0).path().toString();
			Generation generation = keys.computeIfAbsent(path, (p) -> new Generation());
			if (entry.expiry()) {
				assertThat(generation.present).as("revision %d expires a present value at %s", entry.revision(), path)
					.isTrue();
				assertThat(generation.due).as("revision %d expires a value with a time to live", entry.revision())
					.isNotZero();
				assertThat(entry.millis()).as("revision %d comes after the due time", entry.revision())
					.isGreaterThanOrEqualTo(generation.due - CLOCK_SLACK);
				assertThat(entry.millis()).as("revision %d comes within one second of the due time", entry.revision())
					.isLessThanOrEqualTo(generation.due + 1_000 + CLOCK_SLACK);
				generation.present = false;
				generation.due = 0;
				continue;
			}
			if (generation.present && generation.due != 0) {
				assertThat(entry.millis()).as("revision %d at %s saw no overdue value", entry.revision(), path)
					.isLessThan(generation.due + CLOCK_SLACK);
			}
			Operation operation = (entry.actor() != null) ? operations.get(entry.actor()) : null;
			if (operation == null) {
				// an increment: keeps the lifetime of a present counter, a new one is permanent
				if (!generation.present) {
					generation.due = 0;
				}
				generation.present = true;
			}
			else if (operation.ttlMillis() < 0) {
				generation.present = false;
				generation.due = 0;
			}
			else {
				generation.present = true;
				generation.due = (operation.ttlMillis() > 0) ? entry.millis() + operation.ttlMillis() : 0;
			}
		}
		return keys;
	}

}
