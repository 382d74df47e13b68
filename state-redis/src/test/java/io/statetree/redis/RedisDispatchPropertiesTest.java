package io.statetree.redis;

import java.util.ArrayList;
import java.util.List;

import io.statetree.core.DispatchModel;
import io.statetree.core.DispatchModel.CommitLog;
import io.statetree.core.DispatchModel.Op;
import io.statetree.core.DispatchModel.Recorder;
import io.statetree.core.StateController;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event delivery model of {@link DispatchModel} on Redis: two controllers on one namespace
 * (each with its own connections), concurrent writers on both, listeners on both. Every
 * listener, on either instance, hears every relevant commit once, local and remote together in
 * revision order, and the final tree is the commit log applied in order.
 */
class RedisDispatchPropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("dispatch", 2);

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
			for (int i = 0; i < REDIS.count(); i++) {
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

}
