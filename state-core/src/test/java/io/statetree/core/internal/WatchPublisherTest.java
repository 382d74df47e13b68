package io.statetree.core.internal;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link WatchPublisher} does with subscribers that break the Reactive Streams contract or
 * leave: their controller subscription goes away. The rules a well-behaved subscriber relies on
 * are checked by the TCK ({@code WatchPublisherTckTest}).
 */
class WatchPublisherTest {

	@Test
	void aSubscriberWhoseOnNextThrowsIsUnsubscribed() {
		try (StateController controller = StateController.create()) {
			AtomicInteger received = new AtomicInteger();
			AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
			controller.watch("/w").subscribe(new Recording(subscription) {
				@Override
				public void onNext(StateEvent item) {
					received.incrementAndGet();
					throw new IllegalStateException("subscriber gave up");
				}
			});
			subscription.get().request(10);
			assertThat(watchers(controller)).hasSize(1);
			assertThat(controller.set("/w", 1)).as("the write stays committed").isTrue();
			assertThat(watchers(controller)).as("unsubscribed after the throw").isEmpty();
			controller.set("/w", 2);
			subscription.get().request(10);
			assertThat(received).hasValue(1);
		}
	}

	@Test
	void cancellingUnsubscribes() {
		try (StateController controller = StateController.create()) {
			AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
			Recording subscriber = new Recording(subscription);
			controller.watch("/w").subscribe(subscriber);
			subscription.get().request(1);
			controller.set("/w", 1);
			assertThat(subscriber.items).hasValue(1);
			subscription.get().cancel();
			assertThat(watchers(controller)).isEmpty();
			subscription.get().request(1);
			controller.set("/w", 2);
			assertThat(subscriber.items).hasValue(1);
		}
	}

	private static List<StateController.ListenerInfo> watchers(StateController controller) {
		return controller.registrations().listeners().stream().filter((l) -> l.pattern().equals("/w")).toList();
	}

	/** Counts what it receives and keeps its subscription. */
	private static class Recording implements Flow.Subscriber<StateEvent> {

		private final AtomicReference<Flow.Subscription> subscription;

		final AtomicInteger items = new AtomicInteger();

		Recording(AtomicReference<Flow.Subscription> subscription) {
			this.subscription = subscription;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription.set(subscription);
		}

		@Override
		public void onNext(StateEvent item) {
			this.items.incrementAndGet();
		}

		@Override
		public void onError(Throwable throwable) {
			throw new AssertionError("unexpected onError", throwable);
		}

		@Override
		public void onComplete() {
			throw new AssertionError("unexpected onComplete");
		}

	}

}
