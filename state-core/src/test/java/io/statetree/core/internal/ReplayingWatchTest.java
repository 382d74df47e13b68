package io.statetree.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seam of {@link ReplayingWatch} with a small live buffer: live events that overflow the
 * buffer while the history is replayed come from the history instead (nothing lost, nothing
 * twice); once live, an overflow is the subscriber's error as in {@link WatchPublisher}.
 */
class ReplayingWatchTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** A subscriber that requests only when told to. */
	static final class Manual implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		volatile Flow.@Nullable Subscription subscription;

		volatile @Nullable Throwable error;

		@Override
		public void onSubscribe(Flow.Subscription s) {
			this.subscription = s;
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable throwable) {
			this.error = throwable;
		}

		@Override
		public void onComplete() {
		}

	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void liveEventsDroppedWhileReplayingComeFromTheHistory(StateController.Dispatch dispatch) {
		try (StateController c = StateController.builder().dispatch(dispatch).historySize(1_000).build()) {
			long start = c.revision();
			for (int i = 0; i < 20; i++) {
				c.set("/o/x", i);
			}
			Manual subscriber = new Manual();
			new ReplayingWatch((DefaultStateController) c, "/o/**", start, 8).subscribe(subscriber);
			// no demand yet: the live buffer of 8 overflows many times while nothing is replayed
			for (int i = 20; i < 200; i++) {
				c.set("/o/x", i);
			}
			ControllerInternals.awaitDispatch(c, 10_000);
			subscriber.subscription.request(5);
			await().atMost(WAIT).until(() -> subscriber.events.size() == 5);
			subscriber.subscription.request(Long.MAX_VALUE);
			await().atMost(WAIT).until(() -> subscriber.events.size() == 200);
			for (int i = 200; i < 230; i++) {
				c.set("/o/x", i);
			}
			await().atMost(WAIT).until(() -> subscriber.events.size() == 230);
			assertThat(subscriber.events).extracting((e) -> e.newValue(Integer.class))
				.isEqualTo(IntStream.range(0, 230).boxed().toList());
			assertThat(subscriber.events).extracting(StateEvent::revision).isSorted().doesNotHaveDuplicates();
			assertThat(subscriber.error).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(StateController.Dispatch.class)
	void onceLiveAnOverflowIsTheSubscribersError(StateController.Dispatch dispatch) {
		try (StateController c = StateController.builder().dispatch(dispatch).build()) {
			c.set("/o/x", 0);
			Manual subscriber = new Manual();
			new ReplayingWatch((DefaultStateController) c, "/o/**", c.revision(), 8).subscribe(subscriber);
			subscriber.subscription.request(1);
			c.set("/o/x", 1);
			await().atMost(WAIT).until(() -> subscriber.events.size() == 1);
			for (int i = 2; i < 20; i++) {
				c.set("/o/x", i);
			}
			ControllerInternals.awaitDispatch(c, 10_000);
			subscriber.subscription.request(100);
			await().atMost(WAIT).until(() -> subscriber.error != null);
			assertThat(subscriber.error).isInstanceOf(IllegalStateException.class).hasMessageContaining("/o/**");
		}
	}

}
