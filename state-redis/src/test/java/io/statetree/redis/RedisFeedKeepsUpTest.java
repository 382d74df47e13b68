package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.StateController;
import io.statetree.redis.test.RedisTestServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 point 2: the change feed keeps up with what one Redis commits. Two instances write as
 * fast as they can (asynchronous sets, many in flight) until they made twice the default retention
 * ({@value RedisBackend#DEFAULT_FEED_RETENTION} entries) or 13 s passed; a third instance only listens. Before
 * the feed read in large batches it lagged past the retention and collapsed thousands of commits
 * into resync events; now the listening instance hears no resync and every commit exactly once.
 */
@ExtendWith(RedisTestServer.class)
class RedisFeedKeepsUpTest {

	/** The writers stop after this many commits (twice the retention)... */
	private static final long COMMITS = 2 * RedisBackend.DEFAULT_FEED_RETENTION;

	/**
	 * ...or after this long, on a slow machine: 30 s so that writers on two loaded cores (CI saw
	 * under 800 commits/s) still outrun the retention; a quiet machine stops at {@link #COMMITS}.
	 */
	private static final Duration WRITING = Duration.ofSeconds(30);

	private static final int THREADS_PER_WRITER = 2;

	private static final int WINDOW = 32;

	private final List<StateController> controllers = new ArrayList<>();

	private StateController firstWriter;

	private StateController secondWriter;

	private StateController listening;

	@BeforeEach
	void setUp(RedisTestServer redis) {
		String namespace = redis.newNamespace();
		this.listening = controller(redis.newConnectionFactory(), namespace, "listening");
		this.firstWriter = controller(redis.newConnectionFactory(), namespace, "first");
		this.secondWriter = controller(redis.newConnectionFactory(), namespace, "second");
	}

	private StateController controller(LettuceConnectionFactory factory, String namespace, String id) {
		StateController controller = StateController.builder()
			.backend(RedisBackend.builder(factory).namespace(namespace).build())
			.instanceId(id)
			.build();
		this.controllers.add(controller);
		return controller;
	}

	@AfterEach
	void tearDown() {
		this.controllers.forEach(StateController::close);
	}

	@Test
	void aListeningInstanceHearsEveryCommitOfTwoFastWritersOnceWithoutResync() throws Exception {
		Set<Long> heard = ConcurrentHashMap.newKeySet();
		AtomicInteger duplicates = new AtomicInteger();
		AtomicInteger resyncs = new AtomicInteger();
		AtomicLong highest = new AtomicLong();
		this.listening.subscribe("/w/**", (event) -> {
			if (event.isResync()) {
				resyncs.incrementAndGet();
				return;
			}
			if (!heard.add(event.revision())) {
				duplicates.incrementAndGet();
			}
			highest.accumulateAndGet(event.revision(), Math::max);
		});
		long start = this.listening.revision();
		AtomicLong commits = new AtomicLong();
		long deadline = System.nanoTime() + WRITING.toNanos();
		ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_WRITER);
		long began = System.nanoTime();
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (StateController writer : List.of(this.firstWriter, this.secondWriter)) {
				for (int t = 0; t < THREADS_PER_WRITER; t++) {
					String path = "/w/" + writer.instanceId() + "-" + t;
					futures.add(pool.submit(() -> {
						// asynchronous sets, a window of them in flight: as fast as one Redis commits
						Semaphore window = new Semaphore(WINDOW);
						for (int i = 1; System.nanoTime() < deadline && commits.get() < COMMITS; i++) {
							window.acquireUninterruptibly();
							writer.async().set(path, i).whenComplete((changed, failure) -> {
								if (failure == null) {
									commits.incrementAndGet();
								}
								window.release();
							});
						}
						window.acquireUninterruptibly(WINDOW);
					}));
				}
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		double seconds = (System.nanoTime() - began) / 1e9;
		long last = Math.max(this.firstWriter.revision(), this.secondWriter.revision());
		System.out.printf("feed keep-up: %d commits in %.1f s (%.0f/s) by two writers%n", commits.get(), seconds,
				commits.get() / seconds);
		// every write made one commit: the revisions after the listener's start are all writes
		assertThat(last - start).isEqualTo(commits.get());
		assertThat(commits.get()).as("the writers must outrun the retention for the test to mean anything")
			.isGreaterThan(RedisBackend.DEFAULT_FEED_RETENTION);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(highest.get() >= last || resyncs.get() > 0).isTrue());
		assertThat(resyncs).hasValue(0);
		assertThat(duplicates).hasValue(0);
		assertThat(heard).hasSize((int) commits.get());
		assertThat(heard).allMatch((revision) -> revision > start && revision <= last);
	}

}
