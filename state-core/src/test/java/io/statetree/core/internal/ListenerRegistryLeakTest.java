package io.statetree.core.internal;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.StateListener;
import io.statetree.core.Subscription;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every way a registration ends lets go of it (DESIGN §5): after random sequences of subscribe,
 * unsubscribe, close, registerCallback, unregisterCallback, subscribeById, unsubscribeById and
 * watch cancel, closing everything leaves the registry holding nothing, and a closed
 * subscription's listener can be collected. The §5 rules hold on the way: a listener registered
 * again keeps its id while registered, and a listener subscribed twice to one pattern hears a
 * write once.
 */
class ListenerRegistryLeakTest {

	private static final List<String> PATTERNS = List.of("/a", "/a/*", "/a/**", "/b");

	/** One step: what to do ({@code kind}) and two numbers choosing a listener, pattern, id or handle. */
	record Op(int kind, int x, int y) {

	}

	@Provide
	Arbitrary<List<Op>> operations() {
		Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 8),
				Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 99))
			.as(Op::new);
		return op.list().ofMaxSize(40);
	}

	@Property(tries = 200)
	void closingEveryRegistrationLeavesTheRegistryEmpty(@ForAll("operations") List<Op> operations) {
		try (StateController controller = StateController.create()) {
			DefaultStateController impl = (DefaultStateController) controller;
			Map<StateListener, AtomicInteger> heard = new ConcurrentHashMap<>();
			List<StateListener> listeners = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				AtomicInteger count = new AtomicInteger();
				StateListener listener = (event) -> count.incrementAndGet();
				heard.put(listener, count);
				listeners.add(listener);
			}
			List<Subscription> handles = new ArrayList<>();
			List<Flow.Subscription> watches = new ArrayList<>();
			// which listener each id is registered with, as the controller should have it
			Map<String, StateListener> ids = new java.util.LinkedHashMap<>();
			for (Op op : operations) {
				StateListener listener = listeners.get(op.x() % listeners.size());
				String pattern = PATTERNS.get(op.y() % PATTERNS.size());
				switch (op.kind()) {
					case 0 -> handles.add(controller.subscribe(pattern, listener));
					case 1 -> controller.unsubscribe(pattern, listener);
					case 2 -> {
						if (!handles.isEmpty()) {
							handles.get(op.y() % handles.size()).close();
						}
					}
					case 3 -> {
						List<String> existing = ids.entrySet()
							.stream()
							.filter((e) -> e.getValue() == listener)
							.map(Map.Entry::getKey)
							.toList();
						String id = controller.registerCallback(listener);
						if (!existing.isEmpty()) {
							assertThat(id).as("registered again while registered: its id").isIn(existing);
						}
						ids.put(id, listener);
					}
					case 4 -> {
						String id = "fixed-" + (op.y() % 2);
						controller.registerCallback(listener, id, true);
						ids.put(id, listener);
					}
					case 5 -> {
						if (!ids.isEmpty()) {
							String id = pick(ids, op.x());
							ids.remove(id);
							assertThat(controller.unregisterCallback(id)).isTrue();
						}
					}
					case 6 -> {
						if (!ids.isEmpty()) {
							handles.add(controller.subscribeById(pattern, pick(ids, op.x())));
						}
					}
					case 7 -> {
						if (!ids.isEmpty()) {
							controller.unsubscribeById(pattern, pick(ids, op.x()));
						}
					}
					default -> {
						if (op.x() % 2 == 0 || watches.isEmpty()) {
							controller.watch(pattern).subscribe(new Watcher(watches));
						}
						else {
							watches.get(op.y() % watches.size()).cancel();
						}
					}
				}
			}
			// subscribed twice to one pattern: heard once
			StateListener twice = listeners.get(0);
			handles.add(controller.subscribe("/twice", twice));
			handles.add(controller.subscribe("/twice", twice));
			int before = heard.get(twice).get();
			controller.set("/twice", 1);
			assertThat(heard.get(twice).get() - before).isEqualTo(1);

			handles.forEach(Subscription::close);
			watches.forEach(Flow.Subscription::cancel);
			for (String id : ids.keySet()) {
				assertThat(controller.unregisterCallback(id)).isTrue();
			}
			assertThat(controller.registrations().listeners()).isEmpty();
			assertThat(impl.listenerRegistrySize()).as("listeners, callbacks and patterns still held").isZero();
		}
	}

	private static String pick(Map<String, StateListener> ids, int n) {
		return List.copyOf(ids.keySet()).get(n % ids.size());
	}

	@Test
	void callbacksUnderIdsWithoutPatternsAreHeldUntilUnregistered() {
		try (StateController controller = StateController.create()) {
			DefaultStateController impl = (DefaultStateController) controller;
			StateListener listener = (event) -> {
			};
			String id = controller.registerCallback(listener);
			assertThat(impl.listenerRegistrySize()).isEqualTo(1);
			assertThat(controller.registerCallback(listener)).isEqualTo(id);
			controller.subscribeById("/a", id).close();
			assertThat(controller.registerCallback(listener)).as("still registered without a pattern").isEqualTo(id);
			assertThat(controller.unregisterCallback(id)).isTrue();
			assertThat(impl.listenerRegistrySize()).isZero();
		}
	}

	@Test
	void aClosedSubscriptionsListenerCanBeCollected() {
		try (StateController controller = StateController.create()) {
			WeakReference<StateListener> closed = subscribeWriteAndClose(controller, true);
			WeakReference<StateListener> unsubscribed = subscribeWriteAndClose(controller, false);
			awaitCollected(closed);
			awaitCollected(unsubscribed);
			assertThat(((DefaultStateController) controller).listenerRegistrySize()).isZero();
		}
	}

	@Test
	void aCancelledWatchSubscriptionCanBeCollected() {
		try (StateController controller = StateController.create()) {
			List<Flow.Subscription> watches = new ArrayList<>();
			controller.watch("/w").subscribe(new Watcher(watches));
			watches.get(0).request(1);
			controller.set("/w", 1);
			WeakReference<Flow.Subscription> subscription = new WeakReference<>(watches.get(0));
			watches.get(0).cancel();
			watches.clear();
			awaitCollected(subscription);
			assertThat(((DefaultStateController) controller).listenerRegistrySize()).isZero();
		}
	}

	private static WeakReference<StateListener> subscribeWriteAndClose(StateController controller, boolean close) {
		AtomicInteger count = new AtomicInteger();
		StateListener listener = (event) -> count.incrementAndGet();
		Subscription subscription = controller.subscribe("/gc/**", listener);
		controller.set(close ? "/gc/closed" : "/gc/unsubscribed", 1);
		assertThat(count).hasValue(1);
		if (close) {
			subscription.close();
		}
		else {
			assertThat(controller.unsubscribe("/gc/**", listener)).isTrue();
		}
		return new WeakReference<>(listener);
	}

	private static void awaitCollected(WeakReference<?> reference) {
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			System.gc();
			return reference.get() == null;
		});
	}

	/** A subscriber that keeps its subscription in a list and asks for nothing. */
	private static final class Watcher implements Flow.Subscriber<StateEvent> {

		private final List<Flow.Subscription> subscriptions;

		Watcher(List<Flow.Subscription> subscriptions) {
			this.subscriptions = subscriptions;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscriptions.add(subscription);
		}

		@Override
		public void onNext(StateEvent item) {
		}

		@Override
		public void onError(Throwable throwable) {
		}

		@Override
		public void onComplete() {
		}

	}

}
