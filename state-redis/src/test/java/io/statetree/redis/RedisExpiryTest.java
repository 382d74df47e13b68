package io.statetree.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.Lifetime;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.StreamOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiring and ephemeral entries on Redis (DESIGN §12), across instances: the scripts expire each
 * entry once, whichever instance's commit or sweep gets there first, and every instance hears the
 * expiry commit once.
 */
@ExtendWith(RedisTestServer.class)
class RedisExpiryTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private RedisTestServer redis;

	private String namespace;

	private LettuceConnectionFactory admin;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.redis = redis;
		this.namespace = redis.newNamespace();
		this.admin = redis.newConnectionFactory();
	}

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.admin.destroy();
	}

	private RedisBackend backend(Duration leaseTimeout) {
		LettuceConnectionFactory factory = this.redis.newConnectionFactory();
		RedisBackend backend = RedisBackend.builder(factory).namespace(this.namespace).leaseTimeout(leaseTimeout).build();
		this.closeables.add(backend);
		return backend;
	}

	private StateController controller(String id) {
		StateController controller = StateController.builder()
			.backend(backend(Duration.ofSeconds(10)))
			.instanceId(id)
			.build();
		this.closeables.add(0, controller);
		return controller;
	}

	/** The expiry entries of the namespace's change stream: their paths, in stream order. */
	private List<String> expiryEntries() {
		Keys keys = Keys.of(this.namespace);
		List<String> paths = new ArrayList<>();
		try (RedisConnection connection = this.admin.getConnection()) {
			List<ByteRecord> records = connection.streamCommands()
				.xRange(keys.changes(), org.springframework.data.domain.Range.unbounded());
			for (ByteRecord record : records) {
				StreamEntry entry = StreamEntry.of(record);
				if (entry.expiry()) {
					paths.add(entry.changes().get(0).path().toString());
				}
			}
		}
		return paths;
	}

	private static List<String> expiryEvents(List<StateEvent> events) {
		return events.stream().filter(StateEvent::isExpiry).map((event) -> event.path().toString()).toList();
	}

	@Test
	void aValueWithATimeToLiveIsDeletedOnceAndEveryInstanceHearsIt() {
		StateController first = controller("first");
		StateController second = controller("second");
		List<StateEvent> heardFirst = new CopyOnWriteArrayList<>();
		List<StateEvent> heardSecond = new CopyOnWriteArrayList<>();
		first.subscribe("/session/**", heardFirst::add);
		second.subscribe("/session/**", heardSecond::add);
		first.set("/session/a", "token", WriteOptions.ttl(Duration.ofMillis(700)));
		assertThat(first.timeToLive("/session/a")).isBetween(Duration.ofMillis(1), Duration.ofMillis(700));
		assertThat(second.timeToLive("/session/a")).isNotNull();
		assertThat(second.get("/session/a")).isEqualTo("token");
		Awaitility.await().atMost(WAIT).until(() -> first.get("/session/a") == null);
		assertThat(second.get("/session/a")).isNull();
		assertThat(second.timeToLive("/session/a")).isNull();
		Awaitility.await().atMost(WAIT).untilAsserted(() -> {
			assertThat(expiryEvents(heardFirst)).containsExactly("/session/a");
			assertThat(expiryEvents(heardSecond)).containsExactly("/session/a");
		});
		assertThat(expiryEntries()).containsExactly("/session/a");
		List<Commit> expiries = first.history(0, 100).stream().filter(Commit::expiry).toList();
		assertThat(expiries).hasSize(1);
		assertThat(expiries.get(0).changes().get(0).newValue()).isNull();
	}

	@Test
	void readsHideADueValueBeforeItsExpiryCommitAndTheNextCommitMakesIt() {
		RedisBackend writer = backend(Duration.ofSeconds(10));
		writer.commit(new CommitRequest(List.of(new Write(StatePath.of("/k/a"), "x", null,
				Lifetime.ttl(Duration.ofMillis(300))), Write.of(StatePath.of("/k/b"), "y")), List.of(), "w"));
		writer.close();
		// a backend without listener nor lifetime write runs no sweep: nothing expires the entry
		RedisBackend reader = backend(Duration.ofSeconds(10));
		long revision = reader.revision();
		Awaitility.await().atMost(WAIT).until(() -> reader.read(StatePath.of("/k/a")) == null);
		assertThat(reader.read(StatePath.of("/k"))).isEqualTo(Map.of("b", "y"));
		assertThat(reader.readVersioned(StatePath.of("/k")).value()).isEqualTo(Map.of("b", "y"));
		assertThat(reader.childNames(StatePath.of("/k"))).containsExactly("b");
		assertThat(reader.revision()).isEqualTo(revision);
		assertThat(reader.expiringEntries().lifetimes()).containsOnlyKeys(StatePath.of("/k/a"));
		assertThat(reader.expiringEntries().withoutDue(StatePath.of("/k"), Map.of("a", "x", "b", "y")))
			.isEqualTo(Map.of("b", "y"));
		reader.commit(new CommitRequest(List.of(Write.of(StatePath.of("/other"), 1)), List.of(), "r"));
		assertThat(reader.revision()).isEqualTo(revision + 2);
		assertThat(expiryEntries()).containsExactly("/k/a");
		assertThat(reader.expiringEntries().lifetimes()).isEmpty();
	}

	@Test
	void fiftyKeysWithATimeToLiveAcrossTwoInstancesMakeExactlyFiftyExpiryCommits() {
		StateController first = controller("first");
		StateController second = controller("second");
		List<StateEvent> heardFirst = new CopyOnWriteArrayList<>();
		List<StateEvent> heardSecond = new CopyOnWriteArrayList<>();
		first.subscribe("/keys/*", heardFirst::add);
		second.subscribe("/keys/*", heardSecond::add);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			StateController writer = (i % 2 == 0) ? first : second;
			writer.set("/keys/k" + i, i, WriteOptions.ttl(Duration.ofMillis(300 + 10 * i)));
			expected.add("/keys/k" + i);
		}
		Awaitility.await().atMost(WAIT).untilAsserted(() -> {
			assertThat(expiryEvents(heardFirst)).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(expiryEvents(heardSecond)).containsExactlyInAnyOrderElementsOf(expected);
		});
		assertThat(expiryEntries()).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(first.history(0, 1_000).stream().filter(Commit::expiry).count()).isEqualTo(50);
		assertThat(first.get("/keys")).isIn(null, StateValues.emptyBranch());
		assertThat(second.get("/keys")).isIn(null, StateValues.emptyBranch());
	}

	/**
	 * Every instance registers the same derivation over expiring keys; each expiry commit (made by
	 * a script, cluster-wide once) names a controller as its origin, and that controller alone runs
	 * the derivation in one follow-up commit caused by it.
	 */
	@Test
	void derivationsOverExpiringKeysRunOnceClusterWideByTheExpiryCommitsOrigin() {
		List<StateController> instances = List.of(controller("first"), controller("second"), controller("third"));
		for (StateController c : instances) {
			c.derive(StatePath.of("/count"), StatePath.of("/keys"),
					(v) -> (v instanceof Map<?, ?> map) ? map.size() : 0);
		}
		for (int i = 0; i < 12; i++) {
			instances.get(i % 3).set("/keys/k" + i, i, WriteOptions.ttl(Duration.ofMillis(300 + 40 * i)));
		}
		assertThat(instances.get(0).get("/count", Integer.class)).isEqualTo(12);
		for (StateController c : instances) {
			Awaitility.await().atMost(WAIT).until(() -> Integer.valueOf(0).equals(c.get("/count", Integer.class)));
		}
		// let any duplicate follow-up arrive before counting
		Awaitility.await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> true);
		List<Commit> history = instances.get(0).history(0, 1_000);
		List<Commit> expiries = history.stream().filter(Commit::expiry).toList();
		assertThat(expiries).hasSize(12);
		List<String> ids = List.of("first", "second", "third");
		long lastExpiry = 0;
		for (Commit expiry : expiries) {
			assertThat(expiry.origin()).isIn(ids);
			lastExpiry = Math.max(lastExpiry, expiry.revision());
			// none when a later expiry's follow-up came first and left nothing to change
			List<Commit> followUps = history.stream().filter((c) -> c.causedBy() == expiry.revision()).toList();
			assertThat(followUps).as("follow-ups of expiry %d", expiry.revision()).hasSizeLessThanOrEqualTo(1);
			for (Commit followUp : followUps) {
				assertThat(followUp.origin()).isEqualTo(expiry.origin());
				assertThat(followUp.expiry()).isFalse();
				assertThat(followUp.changes()).extracting((p) -> p.path().toString()).containsExactly("/count");
			}
		}
		// every change of the count after the writes is such a follow-up
		long firstExpiry = expiries.get(0).revision();
		List<Commit> counts = history.stream()
			.filter((c) -> c.revision() > firstExpiry && !c.expiry())
			.toList();
		long last = lastExpiry;
		assertThat(counts).isNotEmpty().allSatisfy((c) -> assertThat(c.causedBy()).isBetween(firstExpiry, last));
	}

	@Test
	void timeToLiveRulesForRewritesBranchesAndCounters() {
		StateController c = controller("one");
		c.set("/a", 1, WriteOptions.ttl(Duration.ofMillis(1000)));
		c.set("/a", 2);
		c.set("/b/x", 1, WriteOptions.ttl(Duration.ofHours(1)));
		c.set("/b", Map.of("y", 2));
		assertThat(c.timeToLive("/b/x")).isNull();
		c.set("/branch", Map.of("x", 1), WriteOptions.ttl(Duration.ofMillis(1000)));
		c.set("/branch/y", 2);
		assertThat(c.timeToLive("/branch/y")).isNotNull();
		c.set("/counter", 0, WriteOptions.ttl(Duration.ofMillis(1000)));
		c.increment("/counter", 5);
		assertThat(c.timeToLive("/counter")).isNotNull();
		c.set("/restarted", 1, WriteOptions.ttl(Duration.ofMillis(1000)));
		c.set("/restarted", 1, WriteOptions.ttl(Duration.ofHours(1)));
		Awaitility.await().atMost(WAIT).until(() -> c.get("/branch") == null && c.get("/counter") == null);
		assertThat(c.get("/a")).isEqualTo(2);
		assertThat(c.timeToLive("/a")).isNull();
		assertThat(c.get("/restarted")).isEqualTo(1);
		assertThat(c.timeToLive("/restarted")).isGreaterThan(Duration.ofMinutes(59));
		assertThat(c.increment("/counter", 1)).isEqualTo(1);
		assertThat(c.timeToLive("/counter")).isNull();
		assertThat(expiryEntries()).containsExactlyInAnyOrder("/branch", "/counter");
	}

	@Test
	void ephemeralEntriesAreDeletedWhenTheirControllerClosesAndOthersHearIt() {
		StateController first = controller("first");
		StateController second = controller("second");
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		second.subscribe("/presence/*", heard::add);
		first.set("/presence/first", Map.of("since", 1), WriteOptions.ephemeral());
		second.set("/presence/second", true, WriteOptions.ephemeral());
		assertThat(first.timeToLive("/presence/first")).isNull();
		first.close();
		Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(expiryEvents(heard)).containsExactly("/presence/first"));
		assertThat(second.get("/presence")).isEqualTo(Map.of("second", true));
		assertThat(expiryEntries()).containsExactly("/presence/first");
	}

	@Test
	void theEphemeralEntriesOfAnInstanceWhoseLeaseIsGoneAreDeletedOnceByASurvivor() {
		RedisBackend ghost = backend(Duration.ofSeconds(1));
		ghost.commit(new CommitRequest(List.of(new Write(StatePath.of("/presence/ghost"), true, null,
				Lifetime.ephemeral("ghost"))), List.of(), "ghost"));
		assertThat(ghost.expiringEntries().ephemeral("ghost")).containsExactly(StatePath.of("/presence/ghost"));
		StateController first = controller("first");
		StateController second = controller("second");
		List<StateEvent> heardFirst = new CopyOnWriteArrayList<>();
		List<StateEvent> heardSecond = new CopyOnWriteArrayList<>();
		first.subscribe("/presence/*", heardFirst::add);
		second.subscribe("/presence/*", heardSecond::add);
		assertThat(first.get("/presence/ghost")).isEqualTo(true);
		// the ghost instance stops renewing: its lease key is dropped as if it had run out
		try (RedisConnection connection = this.admin.getConnection()) {
			connection.keyCommands().del(Keys.of(this.namespace).lease("ghost"));
		}
		Awaitility.await().atMost(WAIT).untilAsserted(() -> {
			assertThat(expiryEvents(heardFirst)).containsExactly("/presence/ghost");
			assertThat(expiryEvents(heardSecond)).containsExactly("/presence/ghost");
		});
		assertThat(expiryEntries()).containsExactly("/presence/ghost");
		assertThat(first.get("/presence/ghost")).isNull();
	}

	@Test
	void anEqualRewriteWithATimeToLiveRestartsTheClockWithoutARevision() {
		// bounds from clock readings around the calls, so a loaded machine cannot fail it: the
		// rewrite comes at half the time to live, and the time left after it must exceed what the
		// first due time would leave
		RedisBackend backend = backend(Duration.ofSeconds(10));
		StatePath k = StatePath.of("/k");
		Duration ttl = Duration.ofMillis(1200);
		backend.commit(new CommitRequest(List.of(new Write(k, "v", null, Lifetime.ttl(ttl))), List.of(), "o"));
		long written = System.nanoTime();
		long revision = backend.revision();
		Awaitility.await().pollDelay(Duration.ofMillis(600)).atMost(WAIT).until(() -> true);
		long restarted = System.nanoTime();
		backend.commit(new CommitRequest(List.of(new Write(k, "v", null, Lifetime.ttl(ttl))), List.of(), "o"));
		Duration left = backend.expiringEntries().timeToLive(k);
		long asked = System.nanoTime();
		assertThat(backend.revision()).isEqualTo(revision);
		assertThat(left).isNotNull().isGreaterThanOrEqualTo(ttl.minusNanos(asked - restarted).minusMillis(2));
		if (asked - restarted < restarted - written) {
			assertThat(left).isGreaterThan(ttl.minusNanos(restarted - written));
		}
		// an equal permanent rewrite clears the lifetime, and, writing nothing, takes no revision either
		backend.commit(new CommitRequest(List.of(Write.of(k, "v")), List.of(), "o"));
		assertThat(backend.revision()).isEqualTo(revision);
		assertThat(backend.expiringEntries().timeToLive(k)).isNull();
	}

	@Test
	void aLiveInstanceRenewsItsLeaseSoItsEphemeralEntriesOutliveTheTimeout() {
		RedisBackend owner = backend(Duration.ofSeconds(1));
		owner.commit(new CommitRequest(List.of(new Write(StatePath.of("/presence/alive"), true, null,
				Lifetime.ephemeral("alive"))), List.of(), "alive"));
		StateController sweeper = controller("sweeper");
		long start = System.nanoTime();
		// three lease timeouts pass while another instance sweeps every 250 ms
		Awaitility.await().pollDelay(Duration.ofMillis(3_000)).atMost(WAIT).until(() -> true);
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(3).toNanos());
		assertThat(sweeper.get("/presence/alive")).isEqualTo(true);
		assertThat(owner.expiringEntries().lifetimes())
			.containsEntry(StatePath.of("/presence/alive"), Lifetime.ephemeral("alive"));
		assertThat(expiryEntries()).isEmpty();
		owner.close();
		Awaitility.await().atMost(WAIT).until(() -> sweeper.get("/presence/alive") == null);
		assertThat(expiryEntries()).containsExactly("/presence/alive");
	}

	@Test
	void aSweepWithNothingDueWritesNothing() {
		RedisBackend backend = backend(Duration.ofSeconds(10));
		backend.commit(new CommitRequest(List.of(Write.of(StatePath.of("/plain"), 1)), List.of(), "o"));
		long revision = backend.revision();
		ExpirySweep sweep = new ExpirySweep(this.admin, "test", Keys.of(this.namespace), bytes("b"), bytes("100"),
				() -> "o", new Leases(10_000));
		assertThat(sweep.sweepOnce()).isZero();
		assertThat(backend.revision()).isEqualTo(revision);
		try (RedisConnection connection = this.admin.getConnection()) {
			assertThat(connection.keyCommands().exists(Keys.of(this.namespace).life())).isFalse();
			assertThat(connection.keyCommands().exists(Keys.of(this.namespace).due())).isFalse();
		}
	}

	static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
