package io.statetree.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * A commit its writer left held (its wait for the feed outlasted the bound) is released by the
 * remote commit before it, on the feed's thread, and both share a listener up the tree: that
 * listener hears both, in revision order, and the instance goes on. The exact interleaving the CI
 * hit (order28, {@link RedisDispatchPropertiesTest} with an instance stalled past every bound):
 * the feed's thread took the left commit's items over and delivered them before the remote
 * commit's own, reached {@code /a}, whose head was the remote commit's event waiting for its deeper
 * listener {@code /a/c}, which came later in the same thread's list, and waited for itself for good.
 * <p>
 * Instance A stalls its feed's thread in a listener on {@code /s} while B writes {@code /a/c}
 * (revision 2) and A writes {@code /a/b} (revision 3), whose writer leaves its commit after 300 ms.
 * Then the stall ends.
 */
@ExtendWith(RedisTestServer.class)
class RedisLeftCommitReleasedByRemoteCommitTest {

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void theLeftCommitAndTheRemoteOneBeforeItAreHeardInRevisionOrderUpTheTree(StateController.Dispatch dispatch,
			RedisTestServer redis) throws Exception {
		String namespace = redis.newNamespace();
		CountDownLatch stallEnds = new CountDownLatch(1);
		CountDownLatch stalling = new CountDownLatch(1);
		try (StateController a = controller(redis, namespace, "instance-a", dispatch);
				StateController b = controller(redis, namespace, "instance-b", dispatch)) {
			ControllerInternals.leaveHeldCommitsAfter(a, Duration.ofMillis(300));
			List<Long> heardAtA = new CopyOnWriteArrayList<>();
			List<Long> heardAtAc = new CopyOnWriteArrayList<>();
			List<Long> heardAtAb = new CopyOnWriteArrayList<>();
			a.subscribe("/a", (StateEvent e) -> heardAtA.add(e.revision()));
			a.subscribe("/a/c", (StateEvent e) -> heardAtAc.add(e.revision()));
			a.subscribe("/a/b", (StateEvent e) -> heardAtAb.add(e.revision()));
			a.subscribe("/s", (StateEvent e) -> {
				if (!e.origin().equals("instance-a")) {
					stalling.countDown();
					hold(stallEnds);
				}
			});
			b.set("/s", 1);
			assertThat(stalling.await(10, TimeUnit.SECONDS)).as("A's feed hears /s").isTrue();
			b.set("/a/c", 1);
			long remote = b.revision();
			a.set("/a/b", 2); // waits for the remote revision, then leaves its commit (300 ms)
			long left = a.revision();
			assertThat(left).isEqualTo(remote + 1);
			stallEnds.countDown();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				assertThat(heardAtA).containsExactly(remote, left);
				assertThat(heardAtAc).containsExactly(remote);
				assertThat(heardAtAb).containsExactly(left);
			});
			// the instance goes on: a later write is heard after both
			a.set("/a/c", 3);
			long next = a.revision();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(heardAtA).containsExactly(remote, left, next));
		}
		finally {
			stallEnds.countDown();
		}
	}

	private static StateController controller(RedisTestServer redis, String namespace, String id,
			StateController.Dispatch dispatch) {
		return StateController.builder()
			.backend(RedisBackend.builder(redis.newConnectionFactory()).namespace(namespace).build())
			.instanceId(id)
			.dispatch(dispatch)
			.build();
	}

	private static void hold(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
