package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.internal.ControllerInternals;
import io.statetree.redis.test.RedisTestServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 point 1: listeners hear local and remote commits merged in revision order (DESIGN §5,
 * "On Redis, revision order covers local and remote commits together"). The measurement:
 * two controllers on one Redis, four threads each calling {@code update} on {@code /x}; every
 * listener's events are checked against the namespace's commit log (its {@code history}):
 * each commit exactly once, in revision order; a listener that mirrors the latest {@code /x}
 * ends on the final value. In both dispatch modes.
 */
@ExtendWith(RedisTestServer.class)
class RedisRevisionOrderTest {

	/** Updates per thread; 2 controllers × 4 threads × this many commits. */
	private static final int UPDATES = Integer.getInteger("statetree.test.order-updates", 400);

	private static final int THREADS = 4;

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void twoInstancesWithFourWritersEachHearEveryCommitOnceInRevisionOrder(StateController.Dispatch dispatch,
			RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<List<Long>> heard = new ArrayList<>();
		List<AtomicReference<Object>> mirrors = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				StateController controller = StateController.builder()
					.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
					.instanceId("instance-" + i)
					.dispatch(dispatch)
					.build();
				controllers.add(controller);
				List<Long> revisions = new CopyOnWriteArrayList<>();
				controller.subscribe("/**", (StateEvent e) -> revisions.add(e.revision()));
				heard.add(revisions);
				AtomicReference<Object> mirror = new AtomicReference<>();
				controller.subscribe("/x", (StateEvent e) -> mirror.set(e.newValue()));
				mirrors.add(mirror);
			}
			long started = System.nanoTime();
			ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < 2 * THREADS; t++) {
					StateController controller = controllers.get(t % 2);
					futures.add(pool.submit(() -> {
						start.await();
						for (int n = 0; n < UPDATES; n++) {
							controller.update("/x", Long.class, (v) -> ((v != null) ? v : 0L) + 1);
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			long total = 2L * THREADS * UPDATES;
			long millis = (System.nanoTime() - started) / 1_000_000;
			assertThat(controllers.get(0).get("/x", Long.class)).isEqualTo(total);
			List<Long> log = new ArrayList<>();
			for (Commit commit : controllers.get(0).history(0, (int) total + 10)) {
				log.add(commit.revision());
			}
			assertThat(log).as("the commit log").hasSize((int) total);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				for (int i = 0; i < 2; i++) {
					assertThat(heard.get(i)).as("events heard on instance %d", i).hasSizeGreaterThanOrEqualTo(log.size());
				}
			});
			for (StateController controller : controllers) {
				ControllerInternals.awaitDispatch(controller, 10_000);
			}
			for (int i = 0; i < 2; i++) {
				List<Long> revisions = List.copyOf(heard.get(i));
				int outOfOrder = 0;
				for (int k = 1; k < revisions.size(); k++) {
					if (revisions.get(k) <= revisions.get(k - 1)) {
						outOfOrder++;
					}
				}
				System.out.printf("RedisRevisionOrderTest[%s]: %d updates in %d ms; instance %d heard %d events, "
						+ "%d out of order%n", dispatch, total, millis, i, revisions.size(), outOfOrder);
				assertThat(outOfOrder).as("events out of revision order on instance %d", i).isZero();
				assertThat(revisions).as("instance %d hears the commit log exactly once, in order", i)
					.containsExactlyElementsOf(log);
				assertThat(new HashSet<>(revisions)).hasSize(revisions.size());
				assertThat(((Number) mirrors.get(i).get()).longValue()).as("the mirror of /x on instance %d", i)
					.isEqualTo(total);
			}
		}
		finally {
			controllers.forEach(StateController::close);
		}
	}

}
