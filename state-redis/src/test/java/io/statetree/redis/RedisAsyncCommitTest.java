package io.statetree.redis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StatePath;
import io.statetree.core.backend.BackendListener;
import io.statetree.core.backend.CommitRequest;
import io.statetree.core.backend.CommitResult;
import io.statetree.core.backend.Precondition;
import io.statetree.core.backend.PreconditionFailedException;
import io.statetree.core.backend.RemoteCommit;
import io.statetree.core.backend.Write;
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
 * {@link RedisBackend#commitAsync} with many commits in flight on one connection (issue 16): no
 * thread per call, every commit answered once with its own revision, the revisions gap-free, the
 * committing instance's feed skipping all of them (its own-revision bookkeeping holds) while
 * another instance hears each once in revision order, and a server that forgot the scripts served
 * through {@code EVAL}.
 */
@ExtendWith(RedisTestServer.class)
class RedisAsyncCommitTest {

	private static final int IN_FLIGHT = 2_000;

	private static final Duration PAUSE = Duration.ofSeconds(3);

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
		RedisBackend backend = RedisBackend.builder(this.factory).namespace(this.namespace).build();
		this.backends.add(backend);
		return backend;
	}

	private static CommitRequest set(String path, Object value) {
		return new CommitRequest(List.of(Write.of(StatePath.of(path), value)), List.of(), "test");
	}

	@Test
	void twoThousandCommitsInFlightFromOneThreadHoldNoThreadEachAndGetGapFreeRevisions(RedisTestServer redis) {
		RedisBackend backend = backend();
		assertThat(backend.isNonBlocking()).isTrue();
		// warm up Lettuce's event loop, the common pool and the delayed executor's machinery
		backend.commitAsync(set("/warm", 0)).join();
		long start = backend.revision();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int before = threads.getThreadCount();
		int peak = before;
		List<CompletableFuture<CommitResult>> futures = new ArrayList<>(IN_FLIGHT);
		AtomicInteger completions = new AtomicInteger();
		// the server holds every client's commands for a while: all 2,000 calls are in flight at once
		LettuceConnectionFactory pauser = redis.newConnectionFactory();
		long issued;
		try (RedisConnection connection = pauser.getConnection()) {
			connection.execute("CLIENT", bytes("PAUSE"), bytes(Long.toString(PAUSE.toMillis())));
			long began = System.nanoTime();
			for (int i = 0; i < IN_FLIGHT; i++) {
				CompletableFuture<CommitResult> future = backend.commitAsync(set("/k/" + (i % 50), i));
				future.whenComplete((result, failure) -> completions.incrementAndGet());
				futures.add(future);
				peak = Math.max(peak, threads.getThreadCount());
			}
			issued = System.nanoTime() - began;
		}
		assertThat(Duration.ofNanos(issued)).as("time to issue the calls").isLessThan(PAUSE);
		assertThat(completions).as("calls answered while the server was paused").hasValue(0);
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
		peak = Math.max(peak, threads.getThreadCount());
		assertThat(peak - before).as("threads added while %d commits were in flight", IN_FLIGHT).isLessThan(50);
		assertThat(completions).hasValue(IN_FLIGHT);
		List<Long> revisions = futures.stream().map((f) -> f.join().revision()).sorted().toList();
		List<Long> expected = new ArrayList<>();
		for (long r = start + 1; r <= start + IN_FLIGHT; r++) {
			expected.add(r);
		}
		assertThat(revisions).isEqualTo(expected);
		assertThat(backend.revision()).isEqualTo(start + IN_FLIGHT);
		for (int k = 0; k < 50; k++) {
			// the last commit sent to a key is the last applied: one connection keeps the order
			assertThat(backend.readAsync(StatePath.of("/k/" + k)).join()).isEqualTo(IN_FLIGHT - 50 + k);
		}
	}

	private static byte[] bytes(String s) {
		return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	@Test
	void theWritersFeedSkipsItsOwnCommitsInFlightAndAnotherInstanceHearsEachOnceInOrder() {
		RedisBackend writer = backend();
		RedisBackend other = backend();
		Heard ownHeard = new Heard();
		Heard otherHeard = new Heard();
		writer.setBackendListener(ownHeard);
		other.setBackendListener(otherHeard);
		List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			futures.add(writer.commitAsync(set("/n/" + (i % 7), i)));
		}
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
		List<Long> revisions = futures.stream().map((f) -> f.join().revision()).sorted().toList();
		await().atMost(Duration.ofSeconds(20)).until(() -> otherHeard.commits.size() == 500);
		assertThat(otherHeard.commits.stream().map(RemoteCommit::revision).toList()).isEqualTo(revisions);
		// the writer's feed has read its own entries (a later remote commit proves it caught up)
		other.commit(set("/marker", true));
		await().atMost(Duration.ofSeconds(20)).until(() -> ownHeard.commits.size() == 1);
		assertThat(ownHeard.commits.peek().origin()).isEqualTo("test");
		assertThat(ownHeard.commits.peek().revision()).isEqualTo(revisions.get(revisions.size() - 1) + 1);
		assertThat(ownHeard.resyncs).hasValue(0);
		assertThat(otherHeard.resyncs).hasValue(0);
	}

	@Test
	void compareAndSetsInFlightTogetherApplyOneAndRefuseTheRestWithNothingWritten() {
		RedisBackend backend = backend();
		backend.commit(set("/count", 0));
		List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
		for (int i = 1; i <= 100; i++) {
			futures.add(backend.commitAsync(new CommitRequest(List.of(Write.of(StatePath.of("/count"), i)),
					List.of(new Precondition(StatePath.of("/count"), 0)), "test")));
		}
		int applied = 0;
		for (CompletableFuture<CommitResult> future : futures) {
			try {
				future.join();
				applied++;
			}
			catch (java.util.concurrent.CompletionException ex) {
				assertThat(ex.getCause()).isInstanceOf(PreconditionFailedException.class);
			}
		}
		assertThat(applied).isEqualTo(1);
		assertThat(backend.revision()).isEqualTo(2);
	}

	@Test
	void aServerThatForgotTheScriptsIsSentTheirText() {
		RedisBackend backend = backend();
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		CommitResult result = backend.commitAsync(set("/a", Map.of("b", 1))).join();
		assertThat(result.revision()).isEqualTo(1);
		assertThat(backend.readAsync(StatePath.of("/a/b")).join()).isEqualTo(1);
		assertThat(backend.readAsync(StatePath.of("/missing")).join()).isNull();
	}

	@Test
	void futuresCompleteWithinTheCommandTimeoutAndTheSyncCommitSharesTheirRevisions() throws Exception {
		RedisBackend backend = backend();
		CompletableFuture<CommitResult> first = backend.commitAsync(set("/x", 1));
		CommitResult second = backend.commit(set("/x", 2));
		assertThat(first.get(10, TimeUnit.SECONDS).revision()).isEqualTo(1);
		assertThat(second.revision()).isEqualTo(2);
		assertThat(backend.read(StatePath.of("/x"))).isEqualTo(2);
	}

	private static final class Heard implements BackendListener {

		final ConcurrentLinkedQueue<RemoteCommit> commits = new ConcurrentLinkedQueue<>();

		final AtomicInteger resyncs = new AtomicInteger();

		@Override
		public void onRemoteCommit(RemoteCommit commit) {
			this.commits.add(commit);
		}

		@Override
		public void onResync() {
			this.resyncs.incrementAndGet();
		}

	}

}
