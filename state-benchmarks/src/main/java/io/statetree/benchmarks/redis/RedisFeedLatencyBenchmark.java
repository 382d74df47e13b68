package io.statetree.benchmarks.redis;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.statetree.core.StateController;
import io.statetree.redis.RedisBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * From a write on one instance to the listener on another: two controllers on separate connection
 * factories sharing a namespace, against a raw {@code PUBLISH} heard by a Lettuce subscriber.
 * Sample mode, so JMH reports percentiles (compare p0.99).
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar redis.RedisFeedLatencyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisFeedLatencyBenchmark {

	private LoopbackRedis redis;

	private LettuceConnectionFactory writerFactory;

	private LettuceConnectionFactory readerFactory;

	private StateController writer;

	private StateController reader;

	private RedisClient client;

	private StatefulRedisConnection<String, String> publisher;

	private RedisCommands<String, String> publish;

	private StatefulRedisPubSubConnection<String, String> subscriber;

	private volatile int heard;

	private volatile int published;

	private int counter;

	@Setup
	public void setup() {
		this.redis = new LoopbackRedis();
		this.writerFactory = this.redis.newConnectionFactory();
		this.readerFactory = this.redis.newConnectionFactory();
		this.writer = StateController.builder()
			.backend(RedisBackend.builder(this.writerFactory).namespace("latency").build())
			.instanceId("writer")
			.build();
		this.reader = StateController.builder()
			.backend(RedisBackend.builder(this.readerFactory).namespace("latency").build())
			.instanceId("reader")
			.build();
		this.reader.subscribe("/ping", event -> this.heard = (Integer) event.newValue());
		this.client = RedisClient.create(this.redis.uri());
		this.publisher = this.client.connect();
		this.publish = this.publisher.sync();
		this.subscriber = this.client.connectPubSub();
		this.subscriber.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String channel, String message) {
				RedisFeedLatencyBenchmark.this.published = Integer.parseInt(message);
			}
		});
		this.subscriber.sync().subscribe("ping");
	}

	@TearDown
	public void tearDown() {
		this.writer.close();
		this.reader.close();
		this.subscriber.close();
		this.publisher.close();
		this.client.shutdown();
		this.writerFactory.destroy();
		this.readerFactory.destroy();
		this.redis.close();
	}

	/** {@code set} on one controller until the other controller's listener has the value. */
	@Benchmark
	public int stateTreeWriteToRemoteListener() {
		int value = ++this.counter;
		this.writer.set("/ping", value);
		while (this.heard != value) {
			Thread.onSpinWait();
		}
		return value;
	}

	/** The baseline: {@code PUBLISH} until the subscriber has the message. */
	@Benchmark
	public int rawPublishToSubscriber() {
		int value = ++this.counter;
		this.publish.publish("ping", Integer.toString(value));
		while (this.published != value) {
			Thread.onSpinWait();
		}
		return value;
	}

}
