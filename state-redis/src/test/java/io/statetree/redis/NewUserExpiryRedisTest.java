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
import io.statetree.core.WriteOptions;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new user's attempts to break issue 14 on Redis, using only README.md and the public Javadoc.
 */
@ExtendWith(RedisTestServer.class)
class NewUserExpiryRedisTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private RedisTestServer redis;

	private String namespace;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.redis = redis;
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// already closed
			}
		}
	}

	private StateController controller(String id, Duration lease) {
		LettuceConnectionFactory factory = this.redis.newConnectionFactory();
		RedisBackend backend = RedisBackend.builder(factory).namespace(this.namespace).leaseTimeout(lease).build();
		StateController controller = StateController.builder().backend(backend).instanceId(id).build();
		this.closeables.add(0, backend);
		this.closeables.add(0, controller);
		return controller;
	}

	private static List<Commit> expiryCommits(StateController c) {
		return c.history(0, 10_000).stream().filter(Commit::expiry).toList();
	}

	@Test
	void threeInstancesEachEntryExpiredOnceWithinASecond() throws Exception {
		List<StateController> cs = List.of(controller("i1", Duration.ofSeconds(10)),
				controller("i2", Duration.ofSeconds(10)), controller("i3", Duration.ofSeconds(10)));
		List<List<StateEvent>> heard = new ArrayList<>();
		List<Long> lastAt = new CopyOnWriteArrayList<>();
		for (StateController c : cs) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			heard.add(events);
			c.subscribe("/k/**", e -> {
				if (e.isExpiry()) {
					events.add(e);
					lastAt.add(System.nanoTime());
				}
			});
		}
		int n = 30;
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			cs.get(i % 3).set("/k/" + i, "v" + i, WriteOptions.ttl(Duration.ofMillis(500)));
		}
		await().atMost(WAIT).until(() -> heard.stream().allMatch(h -> h.size() >= n));
		Thread.sleep(1000); // real time: any duplicate would show up by now
		for (List<StateEvent> h : heard) {
			assertThat(h).hasSize(n);
			assertThat(h).allSatisfy(e -> {
				assertThat(e.isExpiry()).isTrue();
				assertThat(e.newValue()).isNull();
				assertThat(e.prevValue()).isEqualTo("v" + e.path().toString().substring(3));
			});
		}
		assertThat(expiryCommits(cs.get(0))).hasSize(n);
		long maxMs = lastAt.stream().mapToLong(t -> (t - start) / 1_000_000).max().orElseThrow();
		System.out.println("NewUserExpiryRedis: last expiry event heard " + maxMs + " ms after the first write");
		assertThat(maxMs).isLessThan(500 + 1000 + 300);
	}

	/** The expiry commits of paths other than {@code path}. */
	private static List<Commit> expiriesBut(StateController c, String path) {
		return expiryCommits(c).stream()
			.filter((commit) -> !commit.changes().get(0).path().toString().equals(path))
			.toList();
	}

	@Test
	void readsAfterDueOnRedis() throws Exception {
		StateController c = controller("r1", Duration.ofSeconds(10));
		c.set("/k/keep", 1);
		long before = System.nanoTime();
		c.set("/k/a", Map.of("x", 1), WriteOptions.ttl(Duration.ofMillis(50)));
		Duration left = c.timeToLive("/k/a/x");
		if (System.nanoTime() - before < Duration.ofMillis(50).toNanos()) {
			// asked before the due time (a loaded machine may stall past it, then it is gone, correctly)
			assertThat(left).isNotNull();
		}
		assertThat(c.timeToLive("/k")).isNull();
		Thread.sleep(60);
		assertThat(c.get("/k/a/x")).isNull();
		assertThat(c.exists("/k/a")).isFalse();
		assertThat(c.getVersioned("/k/a").value()).isNull();
		assertThat(c.childNames("/k")).containsExactly("keep");
		assertThat(((Map<String, ?>) c.get("/k")).keySet()).containsExactly("keep");
		assertThat(c.timeToLive("/k/a")).isNull();
		Object inBatch = c.batch(() -> c.get("/k/a/x"));
		assertThat(inBatch).isNull();
		await().atMost(WAIT).until(() -> expiryCommits(c).size() == 1);
	}

	@Test
	void incrementKeepsTtlAndBranchRulesOnRedis() throws Exception {
		StateController c = controller("r2", Duration.ofSeconds(10));
		long before = System.nanoTime();
		c.set("/k/count", 0, WriteOptions.ttl(Duration.ofMillis(400)));
		c.increment("/k/count", 1);
		Duration countLeft = c.timeToLive("/k/count");
		if (System.nanoTime() - before < Duration.ofMillis(400).toNanos()) {
			// asked before the due time (a loaded machine may stall past it, then it is gone, correctly)
			assertThat(countLeft).isNotNull();
		}
		before = System.nanoTime();
		c.set("/k/s", Map.of("a", 1), WriteOptions.ttl(Duration.ofMillis(400)));
		c.set("/k/s/b", 2);
		Duration belowLeft = c.timeToLive("/k/s/b");
		if (System.nanoTime() - before < Duration.ofMillis(400).toNanos()) {
			assertThat(belowLeft).isNotNull();
		}
		c.set("/k/p/q", 1, WriteOptions.ttl(Duration.ofMillis(100)));
		c.set("/k/p", Map.of("q", 1));
		long rewrite = c.revision();
		await().atMost(WAIT).until(() -> expiriesBut(c, "/k/p/q").size() == 2);
		Thread.sleep(500);
		assertThat(expiriesBut(c, "/k/p/q")).hasSize(2);
		// a loaded machine may stall past /k/p/q's due time before the rewrite of /k/p (the expiry
		// then comes first, correctly); none may come after the rewrite
		assertThat(expiryCommits(c)).filteredOn((commit) -> commit.changes().get(0).path().toString().equals("/k/p/q"))
			.allSatisfy((commit) -> assertThat(commit.revision()).isLessThan(rewrite));
		assertThat(c.get("/k/count")).isNull();
		assertThat(c.get("/k/s")).isNull();
		assertThat(c.get("/k/p/q")).isEqualTo(1);
	}

	@Test
	void ephemeralOfClosedInstanceGoneAtOnce() throws Exception {
		StateController a = controller("a", Duration.ofSeconds(10));
		StateController b = controller("b", Duration.ofSeconds(10));
		List<StateEvent> heard = new CopyOnWriteArrayList<>();
		a.subscribe("/presence/*", heard::add);
		b.set("/presence/b", "online", WriteOptions.ephemeral());
		await().atMost(WAIT).until(() -> a.get("/presence/b") != null);
		long start = System.nanoTime();
		b.close();
		await().atMost(WAIT).until(() -> a.get("/presence/b") == null);
		long ms = (System.nanoTime() - start) / 1_000_000;
		assertThat(ms).isLessThan(2000);
		await().atMost(WAIT).until(() -> heard.stream().anyMatch(StateEvent::isExpiry));
		Thread.sleep(500);
		assertThat(heard.stream().filter(StateEvent::isExpiry).count()).isEqualTo(1);
	}

	@Test
	void lostLeaseOfALiveInstance() throws Exception {
		StateController a = controller("la", Duration.ofSeconds(10));
		StateController b = controller("lb", Duration.ofSeconds(1));
		List<StateEvent> bHeard = new CopyOnWriteArrayList<>();
		b.subscribe("/presence/lb", bHeard::add);
		b.set("/presence/lb", "online", WriteOptions.ephemeral());
		// an operator (or a failover losing the key) removes b's lease while b lives
		LettuceConnectionFactory admin = this.redis.newConnectionFactory();
		try (RedisConnection connection = admin.getConnection()) {
			byte[] key = ("{" + this.namespace + "}:lease:lb").getBytes(StandardCharsets.UTF_8);
			Boolean existed = connection.keyCommands().exists(key);
			System.out.println("NewUserExpiryRedis: lease key " + new String(key, StandardCharsets.UTF_8)
					+ " existed=" + existed);
			connection.keyCommands().del(key);
		}
		Thread.sleep(2500);
		System.out.println("NewUserExpiryRedis: after losing the lease, a sees " + a.get("/presence/lb")
				+ ", b sees " + b.get("/presence/lb"));
		admin.destroy();
		// b can react: it hears the expiry of its own presence
		await().atMost(WAIT).until(() -> bHeard.stream().anyMatch(StateEvent::isExpiry));
		assertThat(a.get("/presence/lb")).isNull();
		// does b notice, and does a new ephemeral write of b survive past the lease timeout?
		b.set("/presence/lb2", "again", WriteOptions.ephemeral());
		Thread.sleep(2500);
		System.out.println("NewUserExpiryRedis: after a new ephemeral write, a sees " + a.get("/presence/lb2"));
		assertThat(a.get("/presence/lb2")).isEqualTo("again");
	}


	@Test
	void watchReplaysExpiryOnRedis() throws Exception {
		StateController a = controller("wa", Duration.ofSeconds(10));
		long from = a.revision();
		a.set("/k/w", "v", WriteOptions.ttl(Duration.ofMillis(100)));
		await().atMost(WAIT).until(() -> expiryCommits(a).size() == 1);
		StateController b = controller("wb", Duration.ofSeconds(10));
		List<StateEvent> events = new CopyOnWriteArrayList<>();
		b.watch("/k/**", from).subscribe(new java.util.concurrent.Flow.Subscriber<>() {
			@Override
			public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
				s.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(StateEvent item) {
				events.add(item);
			}

			@Override
			public void onError(Throwable t) {
			}

			@Override
			public void onComplete() {
			}
		});
		await().atMost(WAIT).until(() -> events.size() >= 2);
		assertThat(events.get(0).isExpiry()).isFalse();
		assertThat(events.get(1).isExpiry()).isTrue();
		assertThat(events.get(1).prevValue()).isEqualTo("v");
		assertThat(events.get(1).actor()).isNull();
		assertThat(expiryCommits(b).get(0).actor()).isNull();
	}

	@Test
	void ephemeralTimeToLiveAndEqualRewriteOnRedis() throws Exception {
		StateController a = controller("ea", Duration.ofSeconds(10));
		a.set("/k/e", "x", WriteOptions.ephemeral());
		assertThat(a.timeToLive("/k/e")).isNull();
		a.set("/k/e", "x"); // equal value: permanent now, no revision
		a.close();
		StateController b = controller("eb", Duration.ofSeconds(10));
		assertThat(b.get("/k/e")).isEqualTo("x");
	}


	@Test
	void manyEntriesOnRedisExpireWithinOneSecond() throws Exception {
		StateController a = controller("ma", Duration.ofSeconds(10));
		StateController b = controller("mb", Duration.ofSeconds(10));
		int n = 2_000;
		a.batch(() -> {
			for (int i = 0; i < n; i++) {
				a.set("/k/" + i, i, WriteOptions.ttl(Duration.ofMillis(500)));
			}
		});
		long due = System.nanoTime() + 500_000_000L;
		long rev = a.revision();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
			.until(() -> b.revision() - rev >= n);
		long lateMs = (System.nanoTime() - due) / 1_000_000;
		System.out.println("NewUserExpiryRedis: last of " + n + " expiry commits " + lateMs + " ms after due");
		Thread.sleep(500);
		assertThat(b.revision() - rev).isEqualTo(n);
		assertThat(lateMs).isLessThan(1000);
	}

}
