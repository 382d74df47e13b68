package io.statetree.benchmarks;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading the history (DESIGN §11) on the in-memory controller holding 10,000 commits of leaves
 * under {@code /h}: a {@code history} page of 100 commits against 100 {@code get}s of leaves, and
 * a {@code watch("/h/**", start)} replaying all 10,000 commits (one event each) against 10,000
 * {@code get}s, in the same run.
 * <p>
 * {@code java -jar state-benchmarks/target/benchmarks.jar HistoryBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistoryBenchmark {

	private static final int COMMITS = 10_000;

	private static final int LEAVES = 100;

	private StateController controller;

	private long start;

	private final StatePath[] leaves = new StatePath[LEAVES];

	@Setup
	public void setup() {
		this.controller = StateController.builder().historySize(COMMITS).build();
		this.start = this.controller.revision();
		for (int i = 0; i < LEAVES; i++) {
			this.leaves[i] = StatePath.of("/h/" + i);
		}
		for (int i = 0; i < COMMITS; i++) {
			this.controller.set(this.leaves[i % LEAVES], i);
		}
	}

	@TearDown
	public void tearDown() {
		this.controller.close();
	}

	@Benchmark
	public List<Commit> history100() {
		return this.controller.history(this.start + COMMITS / 2, 100);
	}

	@Benchmark
	public void get100(Blackhole blackhole) {
		for (int i = 0; i < 100; i++) {
			blackhole.consume(this.controller.get(this.leaves[i % LEAVES]));
		}
	}

	@Benchmark
	public long watchReplay10000(Blackhole blackhole) {
		Counting subscriber = new Counting(blackhole);
		this.controller.watch("/h/**", this.start).subscribe(subscriber);
		// the replay runs on this thread while the subscriber's demand allows
		if (subscriber.count != COMMITS) {
			throw new IllegalStateException("replayed " + subscriber.count + " events");
		}
		subscriber.subscription.cancel();
		return subscriber.count;
	}

	@Benchmark
	public void get10000(Blackhole blackhole) {
		for (int i = 0; i < COMMITS; i++) {
			blackhole.consume(this.controller.get(this.leaves[i % LEAVES]));
		}
	}

	/** Requests everything and counts the events. */
	private static final class Counting implements Flow.Subscriber<StateEvent> {

		private final Blackhole blackhole;

		Flow.Subscription subscription;

		long count;

		Counting(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(StateEvent item) {
			this.count++;
			this.blackhole.consume(item);
		}

		@Override
		public void onError(Throwable throwable) {
			throw new IllegalStateException(throwable);
		}

		@Override
		public void onComplete() {
		}

	}

}
