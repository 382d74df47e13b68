package io.statetree.core.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.statetree.core.PathPattern;
import io.statetree.core.StateEvent;
import io.statetree.core.Subscription;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a pattern's events to {@link Flow.Subscriber}s, honouring their demand (DESIGN §5,
 * {@code watch}). Each subscriber gets its own controller subscription and a bounded buffer; a
 * subscriber that falls more than the buffer behind gets {@code onError} and is unsubscribed. A
 * subscription lets go of its subscriber when it is cancelled or has signalled an error (Reactive
 * Streams §3.13), so nothing the controller still holds keeps a finished subscriber alive; a
 * subscriber whose {@code onNext} throws is unsubscribed (§2.13) and the throw reaches the
 * controller, which handles it as a listener failure. When the controller closes, a subscriber
 * gets the events already buffered for it while its demand allows, then {@code onComplete}; one
 * that subscribes to this publisher after the close gets {@code onComplete} at once.
 */
final class WatchPublisher implements Flow.Publisher<StateEvent> {

	static final int DEFAULT_BUFFER = 1_024;

	/**
	 * However much a subscriber requested, at most this many buffers of events wait for it (a
	 * subscriber that requested everything but is slower than the writers).
	 */
	static final int MAX_BUFFERS_IN_DEMAND = 64;

	/**
	 * Whether a subscriber fell too far behind: more than {@code buffer} events queued beyond its
	 * outstanding demand (events it asked for may wait while it is busy), or more than
	 * {@link #MAX_BUFFERS_IN_DEMAND} buffers queued in all.
	 * @param queued the events queued now, the new one included
	 * @param requested its outstanding demand
	 * @param buffer the buffer size
	 */
	static boolean fellBehind(int queued, long requested, int buffer) {
		return queued > buffer && (queued - requested > buffer || queued > (long) MAX_BUFFERS_IN_DEMAND * buffer);
	}

	private final DefaultStateController controller;

	private final String pattern;

	private final int buffer;

	WatchPublisher(DefaultStateController controller, String pattern, int buffer) {
		this.controller = controller;
		this.pattern = pattern;
		this.buffer = buffer;
	}

	@Override
	public void subscribe(Flow.Subscriber<? super StateEvent> subscriber) {
		WatchSubscription subscription = new WatchSubscription(subscriber);
		subscriber.onSubscribe(subscription);
		if (subscription.cancelled) {
			return;
		}
		if (!this.controller.openWatches().add(subscription)) {
			subscription.controllerClosed();
			return;
		}
		subscription.registration = this.controller.subscribe(this.pattern, subscription::offer);
		if (subscription.cancelled) {
			subscription.registration.close();
		}
	}

	private final class WatchSubscription implements Flow.Subscription, OpenWatches.Closeable {

		/** Cleared on cancel: the only reference the publisher holds to its subscriber (§3.13). */
		private volatile Flow.@Nullable Subscriber<? super StateEvent> subscriber;

		private final ConcurrentLinkedQueue<StateEvent> queue = new ConcurrentLinkedQueue<>();

		private final AtomicInteger queued = new AtomicInteger();

		private final AtomicLong requested = new AtomicLong();

		private final AtomicInteger wip = new AtomicInteger();

		volatile boolean cancelled;

		private volatile @Nullable Throwable error;

		volatile @Nullable Subscription registration;

		/** Set when the controller closed: onComplete follows what the demand lets through. */
		private volatile boolean completing;

		/** Turns the live path's resyncs into this watch's own; only the draining thread uses it. */
		private final WatchResyncs resyncs = new WatchResyncs(WatchPublisher.this.controller,
				PathPattern.compile(WatchPublisher.this.pattern));

		WatchSubscription(Flow.Subscriber<? super StateEvent> subscriber) {
			this.subscriber = subscriber;
		}

		void offer(StateEvent event) {
			if (this.cancelled) {
				return;
			}
			if (fellBehind(this.queued.incrementAndGet(), this.requested.get(), WatchPublisher.this.buffer)) {
				this.error = new IllegalStateException("Subscriber to " + WatchPublisher.this.pattern + " fell more than "
						+ WatchPublisher.this.buffer + " events behind its demand");
			}
			else {
				this.queue.add(event);
			}
			drain();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				this.error = new IllegalArgumentException("request(" + n + "): demand must be positive (§3.9)");
			}
			else {
				this.requested.getAndUpdate((r) -> (r + n < 0) ? Long.MAX_VALUE : r + n);
			}
			drain();
		}

		@Override
		public void controllerClosed() {
			this.completing = true;
			drain();
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			this.subscriber = null;
			Subscription current = this.registration;
			if (current != null) {
				current.close();
			}
			WatchPublisher.this.controller.openWatches().remove(this);
			this.queue.clear();
		}

		private void drain() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			while (true) {
				Flow.Subscriber<? super StateEvent> target = this.subscriber;
				if (this.cancelled || target == null) {
					this.queue.clear();
				}
				else {
					Throwable failure = this.error;
					if (failure != null) {
						cancel();
						target.onError(failure);
					}
					else {
						while (this.requested.get() > 0 && !this.cancelled) {
							StateEvent event = this.queue.poll();
							if (event == null) {
								break;
							}
							this.queued.decrementAndGet();
							try {
								event = this.resyncs.pass(event);
							}
							catch (RuntimeException ex) {
								// lost track and cannot read the value now: the watch cannot go on
								cancel();
								target.onError(ex);
								break;
							}
							if (event == null) {
								continue;
							}
							this.requested.decrementAndGet();
							try {
								target.onNext(event);
							}
							catch (RuntimeException | Error ex) {
								// §2.13: a subscriber that throws has broken the contract; its
								// subscription counts as cancelled (the controller logs the throw)
								cancel();
								throw ex;
							}
						}
						if (this.completing && !this.cancelled) {
							// the controller closed: what is still buffered was not asked for
							cancel();
							target.onComplete();
						}
					}
				}
				missed = this.wip.addAndGet(-missed);
				if (missed == 0) {
					return;
				}
			}
		}

	}

}
