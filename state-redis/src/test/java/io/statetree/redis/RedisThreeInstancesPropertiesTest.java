package io.statetree.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.ChangedPath;
import io.statetree.core.Commit;
import io.statetree.core.DispatchModel;
import io.statetree.core.DispatchModel.CommitLog;
import io.statetree.core.DispatchModel.Op;
import io.statetree.core.DispatchModel.Recorder;
import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import io.statetree.core.backend.Change;
import io.statetree.core.internal.ControllerInternals;
import io.statetree.redis.test.ConnectionKiller;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The randomised multi-instance test of issue 19 (DESIGN §18, "any number of instances on one
 * Redis hear every change once, in revision order, with concurrent writers and lost
 * connections"): three instances (three backends, each on its own connections) on one
 * namespace, six threads making random sets, deletes, updates and batches, two on each
 * instance, while every client connection of the server is killed ({@code CLIENT KILL TYPE
 * normal}) every 100 ms (the random work runs again until at least five kill rounds fell in it). Afterwards every listener on every instance (seven patterns each, every
 * other one slow) is checked against the namespace's commit log read back with {@code history}:
 * each relevant commit exactly once, in revision order, with the values of that revision; and
 * each instance's final tree is the commit log applied in order (a sequential model). Few tries:
 * each is heavy.
 */
class RedisThreeInstancesPropertiesTest {

	private static final int INSTANCES = 3;

	/** How many times, at least, every connection is killed while the work runs. */
	private static final int KILL_ROUNDS = 5;

	/** One factory per instance, and one for the killer (its connection is the one spared). */
	private static final RedisTestFixture REDIS = new RedisTestFixture("three", INSTANCES + 1);

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
		return DispatchModel.workloads(2 * INSTANCES, 30);
	}

	@Property(tries = 4)
	void threeInstancesUnderConnectionKillsHearTheCommitLogOnceInRevisionOrder(
			@ForAll StateController.Dispatch dispatch, @ForAll("work") List<List<Op>> work) throws Exception {
		String namespace = REDIS.newNamespace();
		List<StateController> controllers = new ArrayList<>();
		List<List<Recorder>> recorders = new ArrayList<>();
		try {
			for (int i = 0; i < INSTANCES; i++) {
				StateController controller = StateController.builder()
					.backend(REDIS.backend(i, namespace))
					.instanceId("instance-" + i)
					.dispatch(dispatch)
					.build();
				controllers.add(controller);
				recorders.add(DispatchModel.subscribe(controller));
			}
			ConnectionKiller killer = ConnectionKiller.start(REDIS.factory(INSTANCES), Duration.ofMillis(100));
			int rounds = 0;
			try {
				// the work again and again until connections were killed several times in the middle of it
				long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
				do {
					DispatchModel.run(controllers, work);
					rounds++;
				}
				while (killer.rounds() < KILL_ROUNDS && System.nanoTime() < until);
			}
			finally {
				killer.close();
			}
			assertThat(killer.rounds()).as("kill rounds during the work").isGreaterThanOrEqualTo(KILL_ROUNDS);
			// a read cut by the last kill round throws (reads are not sent again): read once more
			long revision = await().atMost(Duration.ofSeconds(10))
				.ignoreExceptionsInstanceOf(StateStorageException.class)
				.until(() -> controllers.get(0).backend().revision(), (r) -> true);
			// every instance has heard everything: its revision is the namespace's, its queues are empty
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
				for (StateController controller : controllers) {
					ControllerInternals.awaitDispatch(controller, 10_000);
					if (controller.revision() != revision) {
						return false;
					}
				}
				return true;
			});
			System.out.printf("RedisThreeInstancesPropertiesTest[%s]: %d runs of the work, %d commits, %d kill rounds, "
					+ "%d connections killed%n", dispatch, rounds, revision, killer.rounds(), killer.killed());
			CommitLog log = commitLog(controllers.get(0), revision);
			for (int i = 0; i < INSTANCES; i++) {
				DispatchModel.check(controllers.get(i), log, recorders.get(i));
			}
		}
		finally {
			controllers.forEach(StateController::close);
		}
	}

	/** The namespace's commit log, as {@code history} reads it back from the change stream. */
	private static CommitLog commitLog(StateController controller, long revision) {
		CommitLog log = new CommitLog();
		List<Commit> history = controller.history(0, (int) revision + 10);
		long expected = 0;
		for (Commit commit : history) {
			assertThat(commit.revision()).as("the log holds every revision once").isEqualTo(++expected);
			List<Change> changes = new ArrayList<>();
			for (ChangedPath changed : commit.changes()) {
				changes.add(new Change(changed.path(), changed.oldValue(), changed.newValue(), null));
			}
			log.onCommit(commit.revision(), commit.origin(), changes);
		}
		assertThat(expected).as("the log reaches the namespace's revision").isEqualTo(revision);
		return log;
	}

}
