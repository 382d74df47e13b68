package io.statetree.core.backend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.Commit;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Other instances' commits heard through a shared backend's feed (DESIGN §8, §11): when the
 * backend keeps no history, the controller's in-memory history records them with their actor and
 * cause, the events carry both (also through a hybrid mount), and a feed resync marks the history
 * as not reaching back before it.
 */
class RemoteHistoryTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void remoteCommitsKeepTheirActorAndCause(StateController.Dispatch dispatch) {
		ForwardingBackend shared = new ForwardingBackend(true);
		HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/shared", shared);
		try (StateController c = StateController.builder().backend(hybrid).dispatch(dispatch).build()) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			c.subscribe("/shared/**", events::add);
			shared.listener.onRemoteCommit(new RemoteCommit(1, "other",
					List.of(new Change(StatePath.of("/x"), null, 1, null)), "eve", 0));
			shared.listener.onRemoteCommit(new RemoteCommit(2, "other",
					List.of(new Change(StatePath.of("/y"), null, 2, null)), null, 1));
			await().atMost(WAIT).until(() -> events.size() == 2);
			assertThat(events).extracting(StateEvent::actor).containsExactly("eve", null);
			assertThat(events).extracting(StateEvent::causedBy).containsExactly(0L, 1L);
			assertThat(events).extracting(StateEvent::origin).containsOnly("other");
			List<Commit> history = c.history(0, 10);
			assertThat(history).extracting(Commit::revision).containsExactly(1L, 2L);
			assertThat(history).extracting(Commit::actor).containsExactly("eve", null);
			assertThat(history).extracting(Commit::causedBy).containsExactly(0L, 1L);
			assertThat(history.get(0).changes().get(0).path()).isEqualTo(StatePath.of("/shared/x"));
			// the feed lost track: a watch from before it starts with a resync
			shared.listener.onResync();
			List<StateEvent> watched = new CopyOnWriteArrayList<>();
			c.watch("/shared/**", 1).subscribe(new java.util.concurrent.Flow.Subscriber<>() {
				@Override
				public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
					s.request(Long.MAX_VALUE);
				}

				@Override
				public void onNext(StateEvent item) {
					watched.add(item);
				}

				@Override
				public void onError(Throwable throwable) {
				}

				@Override
				public void onComplete() {
				}
			});
			await().atMost(WAIT).until(() -> !watched.isEmpty());
			assertThat(watched.get(0).isResync()).isTrue();
			assertThat(watched.get(0).path()).isEqualTo(StatePath.of("/shared"));
		}
	}

}
