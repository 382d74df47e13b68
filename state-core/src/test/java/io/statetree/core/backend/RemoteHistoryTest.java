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

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void anotherInstancesExpiryCommitIsHeardAndRecordedAsOne(StateController.Dispatch dispatch) {
		ForwardingBackend shared = new ForwardingBackend(true);
		HybridBackend hybrid = new HybridBackend(new InMemoryBackend()).mount("/shared", shared);
		try (StateController c = StateController.builder().backend(hybrid).dispatch(dispatch).build()) {
			List<StateEvent> events = new CopyOnWriteArrayList<>();
			c.subscribe("/shared/**", events::add);
			shared.listener.onRemoteCommit(new RemoteCommit(1, "other",
					List.of(new Change(StatePath.of("/x"), null, 1, null)), null, 0));
			shared.listener.onRemoteCommit(new RemoteCommit(2, "sweeper",
					List.of(new Change(StatePath.of("/x"), 1, null, null)), null, 0, true));
			await().atMost(WAIT).until(() -> events.size() == 2);
			assertThat(events).extracting(StateEvent::isExpiry).containsExactly(false, true);
			assertThat(c.history(0, 10)).extracting(Commit::expiry).containsExactly(false, true);
		}
	}

	/**
	 * Another instance's commit heard after a later local one (the local one waits for it): a
	 * watch that replayed the local one from the in-memory history still gets the other one, live.
	 */
	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void aRemoteCommitHeardLateIsNotLostAtTheSeam(StateController.Dispatch dispatch) throws Exception {
		ForwardingBackend shared = new ForwardingBackend(true);
		try (StateController c = StateController.builder().backend(shared).dispatch(dispatch).build()) {
			c.set("/a", 1);
			// another instance commits revision 2; the feed has not brought it yet
			shared.target.commit(new CommitRequest(List.of(new Write(StatePath.of("/z"), 2, null)), List.of(), "other"));
			Thread writer = new Thread(() -> c.set("/b", 3));
			writer.start();
			await().atMost(WAIT).until(() -> c.history(0, 10).size() == 2);
			List<StateEvent> watched = new CopyOnWriteArrayList<>();
			c.watch("/**", 0).subscribe(collector(watched));
			await().atMost(WAIT).until(() -> watched.size() == 2);
			shared.listener.onRemoteCommit(new RemoteCommit(2, "other",
					List.of(new Change(StatePath.of("/z"), null, 2, null)), null, 0));
			writer.join(10_000);
			await().atMost(WAIT).until(() -> watched.size() >= 3);
			c.set("/c", 4);
			await().atMost(WAIT).until(() -> watched.size() >= 4);
			assertThat(watched).extracting(StateEvent::revision).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
			assertThat(c.history(0, 10)).extracting(Commit::revision).containsExactly(1L, 2L, 3L, 4L);
		}
	}

	private static java.util.concurrent.Flow.Subscriber<StateEvent> collector(List<StateEvent> into) {
		return new java.util.concurrent.Flow.Subscriber<>() {
			@Override
			public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
				s.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(StateEvent item) {
				into.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}
		};
	}

}
