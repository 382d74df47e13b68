package io.statetree.redis;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.StatePath;
import io.statetree.core.Versioned;
import io.statetree.core.backend.CommitHistory;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.StateValues;
import io.statetree.core.backend.Write;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis backend's history (the change stream read back as commits), the actor and causing
 * revision carried by the stream to other instances, and {@code readVersioned}.
 */
@ExtendWith(RedisTestServer.class)
class RedisHistoryTest {

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

	private RedisBackend backend(long retention) {
		RedisBackend backend = RedisBackend.builder(this.factory)
			.namespace(this.namespace)
			.feedRetention(retention)
			.build();
		this.backends.add(backend);
		return backend;
	}

	private RedisBackend backend() {
		return backend(RedisBackend.DEFAULT_FEED_RETENTION);
	}

	private static long set(RedisBackend backend, String path, Object value) {
		return backend.commit(new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "first"))
			.revision();
	}

	@Test
	void aReadCloseToTheEndAndOneFarBehindFindTheSameCommits() {
		RedisBackend backend = backend();
		for (int i = 1; i <= 600; i++) {
			set(backend, "/n/" + (i % 13), i);
		}
		// at most 256 behind the end: read backwards in one call; further: found by bisecting
		for (long after : new long[] { 0, 1, 100, 343, 344, 345, 590, 599, 600 }) {
			for (int limit : new int[] { 1, 7, 300, 1_000 }) {
				List<Long> revisions = backend.history().after(after, limit).stream().map(Commit::revision).toList();
				List<Long> expected = new ArrayList<>();
				for (long r = after + 1; r <= 600 && expected.size() < limit; r++) {
					expected.add(r);
				}
				assertThat(revisions).as("after %d, limit %d", after, limit).isEqualTo(expected);
			}
		}
	}

	@Test
	void commitsComeBackOldestFirstWithOriginActorTimeAndExactValues() {
		RedisBackend backend = backend();
		Instant before = Instant.now().minusSeconds(60);
		set(backend, "/wallet/balance", new BigDecimal("1.000000000000000001"));
		backend.commit(new CommitRequest(
				List.of(new Write(StatePath.of("/wallet/balance"), new BigDecimal("2.50"), "payload"),
						Write.of(StatePath.of("/wallet/owner"), "Ann"), Write.of(StatePath.of("/missing"), null)),
				List.of(), "second", "ann", 1));
		backend.increment(StatePath.of("/wallet/visits"), 3, new CommitRequest(List.of(), List.of(), "third", "bob", 2));
		List<Commit> history = backend.history().after(0, 100);
		assertThat(history).extracting(Commit::revision).containsExactly(1L, 2L, 3L);
		assertThat(history).extracting(Commit::origin).containsExactly("first", "second", "third");
		assertThat(history).extracting(Commit::actor).containsExactly(null, "ann", "bob");
		assertThat(history).extracting(Commit::causedBy).containsExactly(0L, 1L, 2L);
		assertThat(history).allSatisfy((commit) -> assertThat(commit.time()).isBetween(before,
				Instant.now().plusSeconds(60)));
		assertThat(history.get(0).changes()).containsExactly(
				new ChangedPath(StatePath.of("/wallet/balance"), null, new BigDecimal("1.000000000000000001")));
		assertThat(history.get(1).changes()).containsExactly(
				new ChangedPath(StatePath.of("/wallet/balance"), new BigDecimal("1.000000000000000001"),
						new BigDecimal("2.50")),
				new ChangedPath(StatePath.of("/wallet/owner"), null, "Ann"));
		assertThat(history.get(2).changes()).containsExactly(new ChangedPath(StatePath.of("/wallet/visits"), null, 3));
		assertThat(backend.history().retainedAfter()).isZero();
	}

	@Test
	void commitsThatChangedNothingTakeNoRevision() {
		RedisBackend backend = backend();
		for (int i = 1; i <= 20; i++) {
			set(backend, "/a", i / 2);
		}
		// values 0,1,1,2,2,...: only the 11 writes that changed /a took a revision (the equal ones
		// wrote nothing, as on every backend)
		assertThat(backend.revision()).isEqualTo(11);
		List<Commit> all = backend.history().after(0, 100);
		assertThat(all).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
		assertThat(backend.history().after(0, 3)).extracting(Commit::revision).containsExactly(1L, 2L, 3L);
		assertThat(backend.history().after(4, 3)).extracting(Commit::revision).containsExactly(5L, 6L, 7L);
		assertThat(backend.history().after(11, 3)).isEmpty();
		assertThat(backend.history().after(1_000, 3)).isEmpty();
	}

	@Test
	void everyRevisionReadsTheSameCommitsAsTheWholeHistory() throws Exception {
		RedisBackend backend = backend();
		int commits = 400;
		for (int i = 1; i <= commits; i++) {
			set(backend, "/n", i);
			if (i % 50 == 0) {
				Thread.sleep(3); // entries spread over many milliseconds, several per millisecond
			}
		}
		CommitHistory history = backend.history();
		List<Commit> all = history.after(0, 10_000);
		assertThat(all).hasSize(commits);
		for (int after = 0; after <= commits + 1; after += 7) {
			for (int limit : new int[] { 1, 5, 64 }) {
				List<Long> expected = new ArrayList<>();
				for (long r = after + 1; r <= Math.min(commits, after + limit); r++) {
					expected.add(r);
				}
				assertThat(history.after(after, limit)).as("after %d, limit %d", after, limit)
					.extracting(Commit::revision)
					.containsExactlyElementsOf(expected);
			}
		}
	}

	@Test
	void retentionIsTheStreamsAndRetainedAfterIsTheRevisionBeforeItsFirstEntry() {
		RedisBackend backend = backend(10);
		assertThat(backend.history().retainedAfter()).isZero();
		int commits = 700;
		for (int i = 1; i <= commits; i++) {
			set(backend, "/n", i);
		}
		long retainedAfter = backend.history().retainedAfter();
		long first;
		try (RedisConnection connection = this.factory.getConnection()) {
			long length = connection.streamCommands().xLen(Keys.of(this.namespace).changes());
			first = commits - length + 1;
		}
		// MAXLEN ~ trims whole stream nodes (100 entries by default): at least 10 entries are kept
		assertThat(retainedAfter).isEqualTo(first - 1).isPositive().isLessThanOrEqualTo(commits - 10);
		List<Commit> retained = backend.history().after(0, 10_000);
		assertThat(retained).hasSize((int) (commits - retainedAfter));
		assertThat(retained.get(0).revision()).isEqualTo(retainedAfter + 1);
		assertThat(retained.get(retained.size() - 1).revision()).isEqualTo(commits);
		assertThat(backend.history().after(retainedAfter - 5, 2)).extracting(Commit::revision)
			.containsExactly(retainedAfter + 1, retainedAfter + 2);
		assertThat(backend.history().after(commits - 3, 100)).extracting(Commit::revision)
			.containsExactly((long) commits - 2, (long) commits - 1, (long) commits);
	}

	@Test
	void entriesNotWrittenByACommitArePassedOver() {
		RedisBackend backend = backend();
		for (int i = 1; i <= 5; i++) {
			if (i == 1 || i == 3) {
				try (RedisConnection connection = this.factory.getConnection()) {
					connection.streamCommands().xAdd(org.springframework.data.redis.connection.stream.MapRecord
						.create(Keys.of(this.namespace).changes(), Map.of("x".getBytes(), "y".getBytes())));
				}
			}
			set(backend, "/n", i);
		}
		assertThat(backend.history().retainedAfter()).isZero();
		assertThat(backend.history().after(0, 10)).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(backend.history().after(0, 3)).extracting(Commit::revision).containsExactly(1L, 2L, 3L);
		assertThat(backend.history().after(2, 2)).extracting(Commit::revision).containsExactly(3L, 4L);
	}

	@Test
	void anEmptyStreamRetainsAfterTheCurrentRevision() {
		RedisBackend backend = backend();
		set(backend, "/a", 1);
		set(backend, "/a", 2);
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.keyCommands().del(Keys.of(this.namespace).changes());
		}
		assertThat(backend.history().retainedAfter()).isEqualTo(2);
		assertThat(backend.history().after(0, 10)).isEmpty();
	}

	@Test
	void badArgumentsAreRefused() {
		CommitHistory history = backend().history();
		assertThatThrownBy(() -> history.after(-1, 10)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("-1");
		assertThatThrownBy(() -> history.after(0, 0)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("limit");
	}

	@Test
	void anotherInstanceHearsTheActorAndTheCausingRevision() {
		RedisBackend writer = backend();
		RedisBackend reader = backend();
		RedisFeedTest.Recorder recorder = new RedisFeedTest.Recorder();
		reader.setBackendListener(recorder);
		set(writer, "/plain", 1);
		writer.commit(new CommitRequest(List.of(Write.of(StatePath.of("/audited"), "x")), List.of(), "writer", "ann",
				1));
		writer.increment(StatePath.of("/count"), 1, new CommitRequest(List.of(), List.of(), "writer", "bob", 2));
		recorder.awaitCommits(3);
		assertThat(recorder.commits).extracting(RemoteCommit::revision).containsExactly(1L, 2L, 3L);
		assertThat(recorder.commits).extracting(RemoteCommit::actor).containsExactly(null, "ann", "bob");
		assertThat(recorder.commits).extracting(RemoteCommit::causedBy).containsExactly(0L, 1L, 2L);
		assertThat(recorder.commits.get(2).changes()).singleElement()
			.satisfies((change) -> assertThat(change.newValue()).isEqualTo(1));
	}

	@Test
	void readVersionedReturnsTheValueWithTheRevisionItReflects() throws Exception {
		RedisBackend writer = backend();
		RedisBackend reader = backend();
		assertThat(reader.readVersioned(StatePath.ROOT)).isEqualTo(new Versioned<>(StateValues.emptyBranch(), 0));
		assertThat(reader.readVersioned(StatePath.of("/n"))).isEqualTo(new Versioned<>(null, 0));
		StatePath counter = StatePath.of("/n");
		CommitRequest context = new CommitRequest(List.of(), List.of(), "writer");
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread thread = new Thread(() -> {
			try {
				// the only writer: after revision r the counter holds r
				while (running.get()) {
					writer.increment(counter, 1, context);
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		thread.start();
		try {
			int reads = 0;
			long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
			while (reads < 500 || System.nanoTime() < deadline && reads < 5_000) {
				Versioned<Object> versioned = reader.readVersioned(counter);
				long value = (versioned.value() != null) ? ((Number) versioned.value()).longValue() : 0;
				assertThat(value).as("value read at revision %d", versioned.revision()).isEqualTo(versioned.revision());
				Versioned<Object> root = reader.readVersioned(StatePath.ROOT);
				Object atRoot = ((Map<?, ?>) root.value()).get("n");
				assertThat((atRoot != null) ? ((Number) atRoot).longValue() : 0).isEqualTo(root.revision());
				reads++;
			}
		}
		finally {
			running.set(false);
			thread.join();
		}
		assertThat(failure.get()).isNull();
		assertThat(writer.revision()).isGreaterThan(10);
	}

}
