package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StatePath;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.RemoteCommit;
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
import org.springframework.data.redis.core.types.RedisClientInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change feed between two backends on one namespace: delivery, reconnection, resync and
 * lifecycle.
 */
@ExtendWith(RedisTestServer.class)
class RedisFeedTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private LettuceConnectionFactory factory;

	private String namespace;

	private final List<RedisBackend> backends = new ArrayList<>();

	@BeforeEach
	void setUp(RedisTestServer redis) {
		this.factory = redis.newConnectionFactory();
		this.namespace = redis.newNamespace();
	}

	@AfterEach
	void tearDown() {
		this.backends.forEach(RedisBackend::close);
	}

	private RedisBackend backend() {
		return backend(RedisBackend.DEFAULT_FEED_RETENTION);
	}

	private RedisBackend backend(long retention) {
		RedisBackend backend = RedisBackend.builder(this.factory)
			.namespace(this.namespace)
			.feedRetention(retention)
			.build();
		this.backends.add(backend);
		return backend;
	}

	private static void set(RedisBackend backend, String origin, String path, Object value) {
		backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), origin));
	}

	/** Records what a feed delivers. */
	static class Recorder implements BackendListener {

		final List<RemoteCommit> commits = new CopyOnWriteArrayList<>();

		final AtomicInteger resyncs = new AtomicInteger();

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			this.commits.add(commit);
		}

		@Override
		public void onResync() {
			this.resyncs.incrementAndGet();
		}

		void awaitCommits(int count) {
			Awaitility.await()
				.atMost(WAIT)
				.untilAsserted(() -> assertThat(this.commits).as("commits delivered").hasSizeGreaterThanOrEqualTo(count));
		}

		void assertNoMoreThan(int count) {
			Awaitility.await()
				.during(Duration.ofMillis(100))
				.atMost(WAIT)
				.untilAsserted(() -> assertThat(this.commits).as("no further commits delivered").hasSize(count));
		}

	}

	@Test
	void othersCommitsArriveInOrderWithOriginAndOwnCommitsDoNot() throws Exception {
		RedisBackend first = backend();
		RedisBackend second = backend();
		set(second, "second", "/before", 0);
		Recorder recorder = new Recorder();
		first.setBackendListener(recorder);
		set(first, "first", "/mine", 1);
		set(second, "second", "/users/1", StateValues.fromJava(java.util.Map.of("name", "Ann"), v -> null));
		set(second, "second", "/users/1/name", "Bea");
		set(second, "second", "/users", null);
		recorder.awaitCommits(3);
		recorder.assertNoMoreThan(3);
		assertThat(recorder.commits).extracting(RemoteCommit::origin).containsOnly("second");
		assertThat(recorder.commits).extracting(RemoteCommit::revision).containsExactly(3L, 4L, 5L);
		RemoteCommit rename = recorder.commits.get(1);
		assertThat(rename.changes()).hasSize(1);
		assertThat(rename.changes().get(0).path()).isEqualTo(StatePath.of("/users/1/name"));
		assertThat(rename.changes().get(0).oldValue()).isEqualTo("Ann");
		assertThat(rename.changes().get(0).newValue()).isEqualTo("Bea");
		assertThat(recorder.commits.get(2).changes().get(0).oldValue())
			.isEqualTo(java.util.Map.of("1", java.util.Map.of("name", "Bea")));
		assertThat(recorder.resyncs).hasValue(0);
		assertThat(first.isFeedAlive()).isTrue();
		first.check();
	}

	@Test
	void feedResumesAfterItsConnectionIsKilledRepeatedly() throws Exception {
		RedisBackend reader = backend();
		RedisBackend writer = backend();
		Recorder recorder = new Recorder();
		reader.setBackendListener(recorder);
		int total = 10_000;
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger kills = new AtomicInteger();
		Thread killer = new Thread(() -> {
			while (writing.get()) {
				kills.addAndGet(killFeedConnections());
				sleep(40);
			}
		}, "feed-killer");
		killer.start();
		try {
			for (int i = 1; i <= total; i++) {
				set(writer, "writer", "/counter", i);
			}
		}
		finally {
			writing.set(false);
			killer.join();
		}
		recorder.awaitCommits(total);
		recorder.assertNoMoreThan(total);
		assertThat(kills.get()).as("feed connections killed").isGreaterThan(3);
		for (int i = 0; i < total; i++) {
			RemoteCommit commit = recorder.commits.get(i);
			assertThat(commit.changes().get(0).newValue()).isEqualTo(i + 1);
		}
		assertThat(recorder.resyncs).hasValue(0);
	}

	@Test
	void trimmedEntriesCauseOneResyncAndDeliveryGoesOn() throws Exception {
		RedisBackend reader = backend(1);
		RedisBackend writer = backend(1);
		CountDownLatch firstDelivered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Recorder recorder = new Recorder() {
			@Override
			public void onRemoteCommit(RemoteCommit commit) {
				super.onRemoteCommit(commit);
				if (commit.revision() == 1) {
					firstDelivered.countDown();
					await(release);
				}
			}
		};
		reader.setBackendListener(recorder);
		set(writer, "writer", "/n", 0);
		assertThat(firstDelivered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		for (int i = 1; i <= 1_000; i++) {
			set(writer, "writer", "/n", i);
		}
		release.countDown();
		Awaitility.await().atMost(WAIT).until(() -> recorder.resyncs.get() > 0);
		assertThat(recorder.resyncs).hasValue(1);
		int delivered = recorder.commits.size();
		set(writer, "writer", "/n", "after");
		recorder.awaitCommits(delivered + 1);
		RemoteCommit last = recorder.commits.get(recorder.commits.size() - 1);
		assertThat(last.revision()).isEqualTo(1_002);
		assertThat(last.changes().get(0).newValue()).isEqualTo("after");
		assertThat(recorder.resyncs).hasValue(1);
	}

	@Test
	void ownCommitsTrimmedUnreadCauseNoResyncButAnotherInstancesCommitAmongThemDoes() throws Exception {
		RedisBackend reader = backend(1);
		RedisBackend writer = backend(1);
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Recorder recorder = new Recorder() {
			@Override
			public void onRemoteCommit(RemoteCommit commit) {
				super.onRemoteCommit(commit);
				if (commit.revision() == 1) {
					held.countDown();
					await(release);
				}
			}
		};
		reader.setBackendListener(recorder);
		set(writer, "writer", "/n", 0);
		assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// the feed is held at revision 1 while its own backend commits 1,000 times: trimmed unread
		for (int i = 1; i <= 1_000; i++) {
			set(reader, "reader", "/mine", i);
		}
		release.countDown();
		set(writer, "writer", "/n", "after own");
		recorder.awaitCommits(2);
		assertThat(recorder.commits.get(1).revision()).isEqualTo(1_002);
		assertThat(recorder.resyncs).hasValue(0);
		// now the same with one commit of the other instance among the trimmed ones
		CountDownLatch heldAgain = new CountDownLatch(1);
		CountDownLatch releaseAgain = new CountDownLatch(1);
		Recorder second = new Recorder() {
			@Override
			public void onRemoteCommit(RemoteCommit commit) {
				super.onRemoteCommit(commit);
				if (commit.revision() == 1_003) {
					heldAgain.countDown();
					await(releaseAgain);
				}
			}
		};
		reader.setBackendListener(second);
		set(writer, "writer", "/n", "hold");
		assertThat(heldAgain.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		for (int i = 1; i <= 500; i++) {
			set(reader, "reader", "/mine", -i);
		}
		set(writer, "writer", "/n", "lost");
		for (int i = 1; i <= 500; i++) {
			set(reader, "reader", "/mine", i);
		}
		releaseAgain.countDown();
		Awaitility.await().atMost(WAIT).until(() -> second.resyncs.get() > 0);
		assertThat(second.resyncs).hasValue(1);
		assertThat(second.commits).extracting(RemoteCommit::revision).doesNotContain(1_504L);
	}

	@Test
	void anEntryItCannotReadCausesOneResyncAndDeliveryGoesOn() {
		RedisBackend reader = backend();
		RedisBackend writer = backend();
		Recorder recorder = new Recorder();
		reader.setBackendListener(recorder);
		set(writer, "writer", "/n", 1);
		recorder.awaitCommits(1);
		try (RedisConnection connection = this.factory.getConnection()) {
			// an entry without the fields the scripts write (another program, or a damaged stream)
			connection.streamCommands().xAdd(org.springframework.data.redis.connection.stream.MapRecord
				.create(Keys.of(this.namespace).changes(), java.util.Map.of("x".getBytes(), "y".getBytes())));
		}
		Awaitility.await().atMost(WAIT).until(() -> recorder.resyncs.get() > 0);
		set(writer, "writer", "/n", 2);
		recorder.awaitCommits(2);
		assertThat(recorder.commits.get(1).changes().get(0).newValue()).isEqualTo(2);
		assertThat(recorder.resyncs).hasValue(1);
		assertThat(reader.isFeedAlive()).isTrue();
	}

	@Test
	void closingStopsTheFeedThread() throws Exception {
		RedisBackend backend = backend();
		assertThat(backend.isFeedAlive()).isFalse();
		assertThat(backend.feedLagMillis()).isEqualTo(-1);
		backend.setBackendListener(new Recorder());
		awaitAlive(backend);
		assertThat(feedThreads()).isNotEmpty();
		backend.setBackendListener(null);
		assertThat(feedThreads()).isEmpty();
		backend.setBackendListener(new Recorder());
		awaitAlive(backend);
		assertThat(backend.feedLagMillis()).isZero();
		backend.close();
		backend.close();
		assertThat(feedThreads()).isEmpty();
		assertThat(backend.isFeedAlive()).isFalse();
	}

	private static void awaitAlive(RedisBackend backend) {
		Awaitility.await().atMost(WAIT).until(backend::isFeedAlive);
	}

	private List<Thread> feedThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(t -> t.getName().equals("statetree-feed-" + this.namespace) && t.isAlive())
			.toList();
	}

	private int killFeedConnections() {
		int killed = 0;
		try (RedisConnection connection = this.factory.getConnection()) {
			for (RedisClientInfo client : connection.serverCommands().getClientList()) {
				if ("xread".equals(client.get("cmd"))) {
					String address = client.get("addr");
					int colon = address.lastIndexOf(':');
					connection.serverCommands().killClient(address.substring(0, colon),
							Integer.parseInt(address.substring(colon + 1)));
					killed++;
				}
			}
		}
		return killed;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
