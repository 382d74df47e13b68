package io.statetree.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.ConnectionKiller;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Idempotent commits (DESIGN §8, issue 19 point 3): the scripts apply a commit id once and answer
 * a repeated call with the first outcome; a backend resolves a call whose reply was lost instead
 * of reporting it failed; under connection kills every commit is counted once and heard once.
 */
@ExtendWith(RedisTestServer.class)
class RedisCommitIdTest {

	private static final byte[] BACKEND = bytes("backend-under-test");

	/** The arguments of one {@code commit.lua} call writing {@code value} at {@code /a}. */
	private static byte[][] commitArgs(long counter, long watermark, int value) {
		List<Write> writes = List.of(Write.of(StatePath.of("/a"), value));
		TreeCodec.EncodedWrites encoded = TreeCodec.encodeWrites(writes, RedisBackend.DEFAULT_MAX_VALUE_BYTES);
		List<byte[]> args = new ArrayList<>(List.of(BACKEND, bytes("origin"), bytes("100"), bytes(encoded.text()),
				new byte[0], bytes("0"), bytes(Long.toString(counter)), bytes(Long.toString(watermark)), bytes("0"),
				bytes("0"), bytes("1"), bytes("/a"), bytes("10000"), bytes("0"), bytes("0")));
		return args.toArray(new byte[0][]);
	}

	private static byte[][] incrementArgs(long counter, long watermark) {
		return new byte[][] { BACKEND, bytes("origin"), bytes("100"), bytes("/n"), bytes("5"), new byte[0], bytes("0"),
			bytes(Long.toString(counter)), bytes(Long.toString(watermark)), bytes("0") };
	}

	@Test
	void theSameCommitIdSentTwiceAppliesOnceAndAnswersWithTheSameRevision(RedisTestServer redis) {
		LettuceConnectionFactory factory = redis.newConnectionFactory();
		Keys keys = Keys.of(redis.newNamespace());
		List<Object> first = RedisCalls.script(factory, "test", Scripts.COMMIT, keys.all(), commitArgs(7, 7, 1));
		List<Object> again = RedisCalls.script(factory, "test", Scripts.COMMIT, keys.all(), commitArgs(7, 7, 1));
		assertThat(first.get(0)).isEqualTo(1L);
		assertThat(first).hasSize(4);
		assertThat(again.get(1)).as("revision").isEqualTo(first.get(1));
		assertThat(RedisCalls.string(again.get(2))).as("previous values").isEqualTo(RedisCalls.string(first.get(2)));
		try (RedisConnection connection = factory.getConnection()) {
			assertThat(new String(connection.stringCommands().get(keys.revision()), StandardCharsets.UTF_8))
				.isEqualTo("1");
			assertThat(connection.streamCommands().xLen(keys.changes())).isEqualTo(1);
		}
		// another number is another commit: applied, with the next revision
		List<Object> next = RedisCalls.script(factory, "test", Scripts.COMMIT, keys.all(), commitArgs(8, 8, 2));
		assertThat(next.get(1)).isEqualTo(2L);
	}

	@Test
	void theSameIncrementIdSentTwiceAddsOnce(RedisTestServer redis) {
		LettuceConnectionFactory factory = redis.newConnectionFactory();
		Keys keys = Keys.of(redis.newNamespace());
		List<Object> first = RedisCalls.script(factory, "test", Scripts.INCREMENT, keys.all(), incrementArgs(3, 3));
		List<Object> again = RedisCalls.script(factory, "test", Scripts.INCREMENT, keys.all(), incrementArgs(3, 3));
		assertThat(first).hasSize(4);
		assertThat(again).hasSize(4);
		assertThat(again.get(1)).isEqualTo(first.get(1));
		assertThat(again.get(2)).as("absent before").isNull();
		assertThat(RedisCalls.string(again.get(3))).isEqualTo("5");
		RedisCalls.script(factory, "test", Scripts.INCREMENT, keys.all(), incrementArgs(4, 4));
		List<Object> third = RedisCalls.script(factory, "test", Scripts.INCREMENT, keys.all(), incrementArgs(4, 4));
		assertThat(RedisCalls.string(third.get(2))).isEqualTo("5");
		assertThat(RedisCalls.string(third.get(3))).isEqualTo("10");
		try (RedisBackend backend = RedisBackend.builder(factory).namespace(keys.namespace()).build()) {
			assertThat(backend.read(StatePath.of("/n"))).isEqualTo(10);
			assertThat(backend.revision()).isEqualTo(2);
		}
	}

	@Test
	void outcomesBelowTheWatermarkAreDeleted(RedisTestServer redis) {
		LettuceConnectionFactory factory = redis.newConnectionFactory();
		Keys keys = Keys.of(redis.newNamespace());
		byte[] applied = bytes("{" + keys.namespace() + "}:applied:backend-under-test");
		for (int i = 1; i <= 20; i++) {
			// calls 1 to 20, each with the one before still in flight
			RedisCalls.script(factory, "test", Scripts.COMMIT, keys.all(), commitArgs(i, Math.max(1, i - 1), i));
		}
		try (RedisConnection connection = factory.getConnection()) {
			assertThat(connection.zSetCommands().zCard(applied)).isEqualTo(2);
			assertThat(connection.keyCommands().pTtl(applied)).isPositive();
		}
		// call 19 is still known: sent again, it applies nothing
		List<Object> again = RedisCalls.script(factory, "test", Scripts.COMMIT, keys.all(), commitArgs(19, 19, 19));
		assertThat(again.get(1)).isEqualTo(19L);
		try (RedisBackend backend = RedisBackend.builder(factory).namespace(keys.namespace()).build()) {
			assertThat(backend.revision()).isEqualTo(20);
			assertThat(backend.read(StatePath.of("/a"))).isEqualTo(20);
		}
	}

	/**
	 * A reply that comes after the client gave up waiting (the server paused with {@code CLIENT
	 * PAUSE} longer than the command timeout): the commit runs once the pause ends, and the calls
	 * sent again meanwhile are answered with its outcome. Without the commit id it would be
	 * applied again; without sending it again it would be reported failed although applied.
	 */
	@Test
	void aCommitWhoseReplyCameTooLateIsResolvedAndAppliedOnce(RedisTestServer redis) {
		RedisTestServer.Endpoint endpoint = RedisTestServer.endpoint();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(endpoint.host(), endpoint.port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(100)).build());
		factory.afterPropertiesSet();
		factory.start();
		LettuceConnectionFactory pauser = redis.newConnectionFactory();
		String namespace = redis.newNamespace();
		List<long[]> heard = Collections.synchronizedList(new ArrayList<>());
		try (StateController c = controller(factory, namespace, "paused")) {
			c.subscribe("/a", (e) -> heard.add(new long[] { e.revision(), ((Number) e.newValue()).longValue() }));
			c.set("/a", 1);
			try (RedisConnection connection = pauser.getConnection()) {
				connection.execute("CLIENT", bytes("PAUSE"), bytes("600"));
			}
			c.set("/a", 2);
			assertThat((Long) c.backend().describe().get("writesResent")).as("calls sent again").isPositive();
			assertThat(c.backend().revision()).isEqualTo(2);
			assertThat(c.get("/a")).isEqualTo(2);
			assertThat(heard).extracting((e) -> e[0] + "=" + e[1]).containsExactly("1=1", "2=2");
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void aCallWithNoAnswerIsGivenUpAfterTheResolveTimeoutAndItsEntryGoesToTheFeed() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(200)).build());
		factory.afterPropertiesSet();
		factory.start();
		try {
			CommitIds ids = new CommitIds();
			NumberedCalls calls = new NumberedCalls(factory, "redis://127.0.0.1:" + port, Keys.of("gone"), ids,
					Duration.ofMillis(600));
			long counter = ids.open();
			assertThatThrownBy(() -> calls.call(Scripts.COMMIT, counter, commitArgs(counter, counter, 1)))
				.isInstanceOf(StateStorageException.class)
				.hasMessageContaining("127.0.0.1:" + port)
				.hasMessageContaining("unknown");
			assertThat(calls.resent()).isPositive();
			// given up: should the feed find the call's entry, it delivers it
			assertThat(ids.feedFound(entry(counter))).isTrue();
			assertThat(ids.feedFound(entry(counter))).isFalse();
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void theFeedsEntrySettlesACallInFlightAndIsNotDeliveredTwice() {
		CommitIds ids = new CommitIds();
		long first = ids.open();
		long second = ids.open();
		assertThat(ids.watermark()).isEqualTo(first);
		assertThat(ids.feedFound(entry(second))).isFalse();
		assertThat(ids.seen(second)).isNotNull();
		ids.close(first);
		assertThat(ids.watermark()).isEqualTo(second);
		// the feed read the entry before the call was given up: the call returns it
		assertThat(ids.abandon(second)).isNotNull();
		assertThat(ids.feedFound(entry(second))).isFalse();
		assertThat(ids.watermark()).isEqualTo(second + 1);
	}

	private static StreamEntry entry(long counter) {
		return new StreamEntry(0, counter, "origin", "backend", null, 0, "1\n/a\n\n1\n\n1\n", "S0\n", false, false,
				counter, 0);
	}

	/**
	 * The reproduction: sequential {@code update(+1)} while every client connection is
	 * killed every 200 ms. No call throws for a commit it made, none is applied twice, and both
	 * instances' listeners hear every commit once, in revision order.
	 */
	@Test
	void updatesUnderConnectionKillsAreCountedAndHeardExactlyOnce(RedisTestServer redis) {
		int calls = Integer.getInteger("statetree.test.killed-updates", 10_000);
		String namespace = redis.newNamespace();
		List<long[]> own = Collections.synchronizedList(new ArrayList<>());
		List<long[]> remote = Collections.synchronizedList(new ArrayList<>());
		try (StateController writer = controller(redis.newConnectionFactory(), namespace, "writer");
				StateController other = controller(redis.newConnectionFactory(), namespace, "other")) {
			writer.subscribe("/counter", (e) -> own.add(new long[] { e.revision(), ((Number) e.newValue()).longValue() }));
			other.subscribe("/counter",
					(e) -> remote.add(new long[] { e.revision(), ((Number) e.newValue()).longValue() }));
			int succeeded = 0;
			int failed = 0;
			long started = System.nanoTime();
			ConnectionKiller killer = ConnectionKiller.start(redis.newConnectionFactory(), Duration.ofMillis(200));
			try {
				for (int i = 0; i < calls; i++) {
					try {
						writer.update("/counter", Long.class, (n) -> ((n != null) ? n : 0L) + 1);
						succeeded++;
					}
					catch (StateStorageException ex) {
						// allowed only when nothing was applied: the count below tells
						failed++;
						System.out.println("RedisCommitIdTest: call " + i + " threw " + ex.getMessage());
					}
				}
			}
			finally {
				killer.close();
			}
			long millis = (System.nanoTime() - started) / 1_000_000;
			long resent = (Long) writer.backend().describe().get("writesResent");
			System.out.printf("RedisCommitIdTest: %d updates in %d ms, %d threw, %d kill rounds, %d connections killed, "
					+ "%d writes resent%n", calls, millis, failed, killer.rounds(), killer.killed(), resent);
			assertThat(killer.killed()).as("connections killed").isGreaterThan(killer.rounds() / 2);
			long total = succeeded;
			assertThat(writer.get("/counter", Long.class, -1L)).as("the counter").isEqualTo(total);
			await().atMost(Duration.ofSeconds(60)).until(() -> own.size() >= total && remote.size() >= total);
			for (List<long[]> heard : List.of(own, remote)) {
				List<long[]> events;
				synchronized (heard) {
					events = List.copyOf(heard);
				}
				assertThat(events).hasSize(succeeded);
				for (int i = 0; i < events.size(); i++) {
					assertThat(events.get(i)[1]).as("value of event " + i).isEqualTo(i + 1);
					if (i > 0) {
						assertThat(events.get(i)[0]).as("revision of event " + i).isGreaterThan(events.get(i - 1)[0]);
					}
				}
			}
		}
	}

	private static StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		return StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.build();
	}

	private static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
