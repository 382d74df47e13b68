package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
 * Issue 19 point 1, the asynchronous API's part: a remote commit heard while one of the
 * controller's own asynchronous commits is in flight is delivered after it when it came after
 * it (DESIGN §5, §15). One instance sends asynchronous writes (many in flight, so one is
 * nearly always on its way to Redis) while another instance writes synchronously from two
 * threads; the listeners of both hear the namespace's commit log exactly once, in revision order.
 */
@ExtendWith(RedisTestServer.class)
class RedisAsyncRevisionOrderTest {

	private static final int ASYNC_WRITES = 1_500;

	private static final int SYNC_WRITES_PER_THREAD = 400;

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void remoteCommitsHeardDuringAnAsyncCommitKeepRevisionOrder(StateController.Dispatch dispatch,
			RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<List<Long>> heard = new ArrayList<>();
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
			}
			StateController asyncWriter = controllers.get(0);
			StateController syncWriter = controllers.get(1);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			List<CompletableFuture<Boolean>> sent = new ArrayList<>();
			try {
				List<Future<?>> syncs = new ArrayList<>();
				for (int t = 0; t < 2; t++) {
					int thread = t;
					syncs.add(pool.submit(() -> {
						for (int n = 1; n <= SYNC_WRITES_PER_THREAD; n++) {
							syncWriter.set("/sync/" + thread, n);
						}
						return null;
					}));
				}
				for (int n = 1; n <= ASYNC_WRITES; n++) {
					sent.add(asyncWriter.async().set("/async/" + (n % 4), n));
				}
				CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
				for (Future<?> sync : syncs) {
					sync.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			int total = ASYNC_WRITES + 2 * SYNC_WRITES_PER_THREAD;
			List<Long> log = new ArrayList<>();
			for (Commit commit : asyncWriter.history(0, total + 10)) {
				log.add(commit.revision());
			}
			assertThat(log).as("the commit log").hasSize(total);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(heard).allSatisfy((revisions) -> assertThat(revisions)
					.hasSizeGreaterThanOrEqualTo(total)));
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
				System.out.printf("RedisAsyncRevisionOrderTest[%s]: instance %d heard %d events, %d out of order%n",
						dispatch, i, revisions.size(), outOfOrder);
				assertThat(outOfOrder).as("events out of revision order on instance %d", i).isZero();
				assertThat(revisions).as("instance %d hears the commit log exactly once, in order", i)
					.containsExactlyElementsOf(log);
			}
		}
		finally {
			controllers.forEach(StateController::close);
		}
	}

}
