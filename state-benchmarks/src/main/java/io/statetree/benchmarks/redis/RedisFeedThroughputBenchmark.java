package io.statetree.benchmarks.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.statetree.core.StateController;
import io.statetree.redis.RedisBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How fast the change feed takes a backlog of other instances' commits: before each iteration the
 * reading instance's feed is stopped and another instance commits {@value #ENTRIES} leaf sets;
 * the timed part starts the feed and waits until the reading instance's listener heard all of
 * them (read, decoded, applied and delivered). The baseline reads the same entries with raw
 * Lettuce {@code XREAD COUNT 2048} (no decoding beyond strings). Single-shot times: compare
 * {@code ENTRIES / time}.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisFeedThroughputBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class RedisFeedThroughputBenchmark {

	/** Commits per iteration (half the default retention, so none is trimmed). */
	static final int ENTRIES = 5_000;

	private static final String KEY = "{feed}:changes";

	private LoopbackRedis redis;

	private LettuceConnectionFactory writerFactory;

	private LettuceConnectionFactory readerFactory;

	private StateController writer;

	private RedisBackend readerBackend;

	private StateController reader;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	private RedisCommands<String, String> raw;

	private final AtomicInteger heard = new AtomicInteger();

	private volatile CountDownLatch allHeard = new CountDownLatch(1);

	private String rawFrom;

	private int counter;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		this.writerFactory = this.redis.newConnectionFactory();
		this.readerFactory = this.redis.newConnectionFactory();
		this.writer = StateController.builder()
			.backend(RedisBackend.builder(this.writerFactory).namespace("feed").build())
			.instanceId("writer")
			.build();
		this.readerBackend = RedisBackend.builder(this.readerFactory).namespace("feed").build();
		this.reader = StateController.builder().backend(this.readerBackend).instanceId("reader").build();
		this.reader.subscribe("/w/*", (event) -> {
			if (this.heard.incrementAndGet() == ENTRIES) {
				this.allHeard.countDown();
			}
		});
		this.client = RedisClient.create(this.redis.uri());
		this.connection = this.client.connect();
		this.raw = this.connection.sync();
	}

	/** Stops the reading feed and commits a backlog on the other instance. */
	@Setup(Level.Iteration)
	public void backlog() {
		this.readerBackend.stopFeed(Duration.ofSeconds(10));
		List<StreamMessage<String, String>> last = this.raw.xrevrange(KEY, io.lettuce.core.Range.create("-", "+"),
				io.lettuce.core.Limit.from(1));
		this.rawFrom = last.isEmpty() ? "0-0" : last.get(0).getId();
		Semaphore window = new Semaphore(64);
		for (int i = 0; i < ENTRIES; i++) {
			window.acquireUninterruptibly();
			this.writer.async().set("/w/" + (i % 16), ++this.counter).whenComplete((changed, failure) -> window.release());
		}
		window.acquireUninterruptibly(64);
		this.allHeard = new CountDownLatch(1);
		this.heard.set(0);
	}

	@TearDown
	public void tearDown() {
		this.writer.close();
		this.reader.close();
		this.connection.close();
		this.client.shutdown();
		this.writerFactory.destroy();
		this.readerFactory.destroy();
		this.redis.close();
	}

	/** Starts the feed and waits until the listener heard the whole backlog. */
	@Benchmark
	public int feedDeliversBacklog() throws InterruptedException {
		this.readerBackend.startFeed();
		// waits blocked, not spinning: a spinning waiter takes a core from the feed's threads
		this.allHeard.await();
		return this.heard.get();
	}

	/** The baseline: raw {@code XREAD COUNT 2048} of the same entries. */
	@Benchmark
	public int rawXreadOfBacklog() {
		String from = this.rawFrom;
		int read = 0;
		while (read < ENTRIES) {
			List<StreamMessage<String, String>> batch = this.raw.xread(XReadArgs.Builder.count(2_048),
					XReadArgs.StreamOffset.from(KEY, from));
			if (batch.isEmpty()) {
				break;
			}
			read += batch.size();
			from = batch.get(batch.size() - 1).getId();
		}
		return read;
	}

}
