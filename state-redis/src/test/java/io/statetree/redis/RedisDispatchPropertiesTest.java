package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.statetree.core.DispatchModel;
import io.statetree.core.DispatchModel.CommitLog;
import io.statetree.core.DispatchModel.Op;
import io.statetree.core.DispatchModel.Recorder;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.internal.ControllerInternals;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event delivery model of {@link DispatchModel} on Redis: two or three controllers on one
 * namespace (each with its own connections), concurrent writers on all, listeners on all. Every
 * listener, on every instance, hears every relevant commit once, local and remote together in
 * revision order, and the final tree is the commit log applied in order.
 * <p>
 * The second property stalls one instance while the work runs, longer than every bound the
 * revision order has: a synchronous listener that holds the feed's delivering thread (or, with
 * asynchronous dispatch, its own queue), or a feed that reads nothing; in half the tries the
 * writers' wait for the feed is bounded below the stall ({@link ControllerInternals#leaveHeldCommitsAfter}),
 * so their calls return and their commits are delivered later. Before the fix a writer waiting
 * past the catch-up's two seconds gave its gap up and was heard before the earlier revision.
 */
class RedisDispatchPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("dispatch", 3);

	/**
	 * Longer than the change feed's catch-up bound ({@link ChangeFeed#CATCH_UP_TIMEOUT}) by a second,
	 * so a writer that starts waiting during the stall's first second outlasts that bound (with
	 * 2.2 s stalls the old give-up was not hit in 10 tries).
	 */
	private static final int MIN_STALL_MILLIS = (int) ChangeFeed.CATCH_UP_TIMEOUT.toMillis() + 1_000;

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<List<List<Op>>> work() {
		return DispatchModel.workloads(4, 10);
	}

	@Property(tries = 30)
	void listenersOnEveryInstanceHearTheCommitLogInRevisionOrder(@ForAll StateController.Dispatch dispatch,
			@ForAll("work") List<List<Op>> work) throws Exception {
		String namespace = REDIS.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<CommitLog> logs = new ArrayList<>();
		List<List<Recorder>> recorders = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				CommitLog log = new CommitLog();
				StateController controller = StateController.builder()
					.backend(REDIS.backend(i, namespace))
					.instanceId("instance-" + i)
					.dispatch(dispatch)
					.observer(log)
					.build();
				controllers.add(controller);
				logs.add(log);
				recorders.add(DispatchModel.subscribe(controller));
			}
			DispatchModel.run(controllers, work);
			DispatchModel.settle(controllers, logs);
			for (int i = 0; i < controllers.size(); i++) {
				DispatchModel.check(controllers.get(i), logs.get(i), recorders.get(i));
				DispatchModel.checkGapFree(controllers.get(i), logs.get(i));
			}
			assertThat(DispatchModel.revisions(logs.get(1))).isEqualTo(DispatchModel.revisions(logs.get(0)));
		}
		finally {
			controllers.forEach(StateController::close);
		}
	}

	/** What holds an instance up: its feed reads nothing, or a synchronous listener holds its thread. */
	enum StallKind {

		FEED_READS, LISTENER

	}

	/** One stall: which instance, how, when (after the work started) and how long. */
	record Stall(int instance, StallKind kind, int afterMillis, int millis) {
	}

	@Provide
	Arbitrary<Stall> stall() {
		return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(StallKind.class),
				Arbitraries.integers().between(0, 100), Arbitraries.integers().between(MIN_STALL_MILLIS, MIN_STALL_MILLIS + 400))
			.as(Stall::new);
	}

	@Property(tries = 10)
	void listenersHearTheCommitLogInRevisionOrderWhileAnInstanceStallsPastEveryBound(
			@ForAll StateController.Dispatch dispatch, @ForAll @IntRange(min = 2, max = 3) int instances,
			@ForAll("work") List<List<Op>> work, @ForAll("stall") Stall stall, @ForAll boolean leaveEarly)
			throws Exception {
		String namespace = REDIS.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<RedisBackend> backends = new ArrayList<>();
		List<CommitLog> logs = new ArrayList<>();
		List<List<Recorder>> recorders = new ArrayList<>();
		int stalled = stall.instance() % instances;
		AtomicBoolean armed = new AtomicBoolean();
		try {
			for (int i = 0; i < instances; i++) {
				CommitLog log = new CommitLog();
				RedisBackend backend = REDIS.backend(i, namespace);
				StateController controller = StateController.builder()
					.backend(backend)
					.instanceId("instance-" + i)
					.dispatch(dispatch)
					.observer(log)
					.build();
				if (leaveEarly) {
					// below the stall: the writers' calls return, their commits are delivered later
					ControllerInternals.leaveHeldCommitsAfter(controller, Duration.ofMillis(MIN_STALL_MILLIS - 1_600));
				}
				backends.add(backend);
				controllers.add(controller);
				logs.add(log);
				recorders.add(DispatchModel.subscribe(controller));
			}
			String stalledId = "instance-" + stalled;
			controllers.get(stalled).subscribe("/**", (StateEvent e) -> {
				// the first remote commit heard once armed: synchronous dispatch hears it on the feed's thread
				if (!e.origin().equals(stalledId) && armed.compareAndSet(true, false)) {
					pause(stall.millis());
				}
			});
			// the listener stalls on the first remote commit it hears; the feed after a random start
			armed.set(stall.kind() == StallKind.LISTENER);
			CompletableFuture<Void> stalling = CompletableFuture.runAsync(() -> {
				if (stall.kind() == StallKind.FEED_READS) {
					pause(stall.afterMillis());
					backends.get(stalled).changeFeed().holdReads(true);
					pause(stall.millis());
					backends.get(stalled).changeFeed().holdReads(false);
				}
			});
			DispatchModel.run(controllers, work);
			stalling.get(30, TimeUnit.SECONDS);
			armed.set(false);
			DispatchModel.settle(controllers, logs);
			for (int i = 0; i < instances; i++) {
				int instance = i;
				// commits whose writers stopped waiting are delivered once the stall ends
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> DispatchModel.check(controllers.get(instance), logs.get(instance),
							recorders.get(instance)));
				DispatchModel.checkGapFree(controllers.get(i), logs.get(i));
				assertThat(DispatchModel.revisions(logs.get(i))).isEqualTo(DispatchModel.revisions(logs.get(0)));
			}
		}
		finally {
			armed.set(false);
			controllers.forEach(StateController::close);
			backends.forEach(RedisBackend::close);
		}
	}

	/** Waits a while without a bare sleep (a latch nobody counts down). */
	private static void pause(int millis) {
		try {
			new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
