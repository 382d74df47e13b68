package io.statetree.core;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.Test;

/**
 * The Reactive Streams TCK (the {@code java.util.concurrent.Flow} variant) against
 * {@link StateController#watch(String)}. Runs on the JUnit Platform through the TestNG engine.
 * <p>
 * A watch is hot and never completes: it publishes the events of writes made while a subscriber is
 * subscribed. The TCK asks for a publisher of {@code n} elements, so each one it gets is the watch
 * of a fresh controller, and every subscriber has a writer thread that makes one write per element
 * its subscriber requests, up to {@code n}, after the watch has registered it. The subscriber sees
 * the watch's own signals and subscription: the writer only adds demand-driven writes beside them.
 * Rules that need the stream to complete, or a publisher that fails, do not apply and the TCK skips
 * them ({@link #maxElementsFromPublisher()}, {@link #createFailedFlowPublisher()}).
 */
public class WatchPublisherTckTest extends FlowPublisherVerification<StateEvent> {

	/** How long the TCK waits for a signal, and for the absence of one. */
	private static final long TIMEOUT_MILLIS = 500;

	/**
	 * How long §3.13 waits for a cancelled subscriber to be garbage collected; 5 s was once too
	 * short at load average 18 (CI dry run of e8f0f17). The TCK's own check sleeps this long before
	 * it collects once; {@link #required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber()}
	 * collects until the subscriber is gone and waits this long only when it never is.
	 */
	private static final long GC_TIMEOUT_MILLIS = 30_000;

	static final String PATH = "/tck/value";

	private final List<StateController> controllers = new CopyOnWriteArrayList<>();

	private final List<Writer> writers = new CopyOnWriteArrayList<>();

	private final TestEnvironment env;

	public WatchPublisherTckTest() {
		this(new TestEnvironment(TIMEOUT_MILLIS));
	}

	private WatchPublisherTckTest(TestEnvironment env) {
		super(env, GC_TIMEOUT_MILLIS);
		this.env = env;
	}

	/**
	 * §3.13 as the TCK checks it (a subscriber takes one element and cancels; the publisher must
	 * then let it be collected), but without the TCK's fixed sleep of the whole GC timeout before a
	 * single collection: it collects again until the subscriber's weak reference is enqueued, and
	 * fails only when it is not within that timeout. The enqueued reference proves what the sleep
	 * let happen: nothing of the publisher holds the subscriber any more.
	 */
	@Override
	@Test
	public void required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber()
			throws Throwable {
		ReferenceQueue<Object> queue = new ReferenceQueue<>();
		activePublisherTest(3, false, (publisher) -> {
			Reference<?> subscriber = cancelledAfterOneElement(publisher, queue);
			boolean dropped;
			try {
				Awaitility.await()
					.atMost(Duration.ofMillis(GC_TIMEOUT_MILLIS))
					.until(() -> {
						System.gc();
						return queue.remove(100) == subscriber;
					});
				dropped = true;
			}
			catch (ConditionTimeoutException ex) {
				dropped = false;
			}
			if (!dropped) {
				this.env.flop("Publisher " + publisher
						+ " did not drop reference to test subscriber after subscription cancellation");
			}
			this.env.verifyNoAsyncErrorsNoDelay();
		});
	}

	/**
	 * A subscriber that requests one element, takes it and cancels, held only weakly on return.
	 * @param publisher the publisher under test
	 * @param queue where the reference is enqueued once the subscriber is collected
	 * @return the weak reference
	 * @throws InterruptedException when interrupted while waiting for the element
	 */
	private Reference<?> cancelledAfterOneElement(org.reactivestreams.Publisher<StateEvent> publisher,
			ReferenceQueue<Object> queue) throws InterruptedException {
		TestEnvironment.ManualSubscriber<StateEvent> subscriber = this.env.newManualSubscriber(publisher);
		Reference<?> reference = new WeakReference<Object>(subscriber, queue);
		subscriber.request(1);
		subscriber.nextElement();
		subscriber.cancel();
		return reference;
	}

	@Override
	public Flow.Publisher<StateEvent> createFlowPublisher(long elements) {
		StateController controller = StateController.create();
		this.controllers.add(controller);
		long start = controller.revision();
		long replayed = replayedElements(elements);
		AtomicLong values = new AtomicLong();
		for (long i = 0; i < replayed; i++) {
			controller.set(PATH, values.incrementAndGet());
		}
		return new WrittenOnDemand(controller, watch(controller, start), elements, replayed, values);
	}

	/**
	 * The publisher under test.
	 * @param controller a fresh controller
	 * @param start its revision before the elements that come from the history were written
	 * @return the watch
	 */
	protected Flow.Publisher<StateEvent> watch(StateController controller, long start) {
		return controller.watch(PATH);
	}

	/**
	 * How many of the elements are written before the watch is made, so that they come from the
	 * history (none for a watch from now).
	 * @param elements the elements the TCK asks for
	 * @return how many to write first
	 */
	protected long replayedElements(long elements) {
		return 0;
	}

	@Override
	public Flow.@Nullable Publisher<StateEvent> createFailedFlowPublisher() {
		// a watch has no failed state: watching a closed controller throws at watch()
		return null;
	}

	@Override
	public long maxElementsFromPublisher() {
		return publisherUnableToSignalOnComplete();
	}

	@AfterMethod
	public void closeControllers() {
		this.writers.forEach(Writer::stop);
		this.writers.clear();
		this.controllers.forEach(StateController::close);
		this.controllers.clear();
	}

	/**
	 * A watch whose subscribers' demand drives writes: the publisher the TCK sees. Every signal and
	 * every subscription call passes through unchanged.
	 */
	private final class WrittenOnDemand implements Flow.Publisher<StateEvent> {

		private final StateController controller;

		private final Flow.Publisher<StateEvent> watch;

		private final long elements;

		/** How many elements the history holds: the first ones a subscriber requests. */
		private final long replayed;

		/** The last value written: each write differs from the one before, so each is an event. */
		private final AtomicLong values;

		WrittenOnDemand(StateController controller, Flow.Publisher<StateEvent> watch, long elements, long replayed,
				AtomicLong values) {
			this.controller = controller;
			this.watch = watch;
			this.elements = elements;
			this.replayed = replayed;
			this.values = values;
		}

		@Override
		public void subscribe(Flow.Subscriber<? super StateEvent> subscriber) {
			if (subscriber == null) {
				this.watch.subscribe(null);
				return;
			}
			Writer writer = new Writer(this.controller, this.values, this.elements - this.replayed, this.replayed);
			WatchPublisherTckTest.this.writers.add(writer);
			this.watch.subscribe(new Flow.Subscriber<StateEvent>() {

				@Override
				public void onSubscribe(Flow.Subscription subscription) {
					subscriber.onSubscribe(new Flow.Subscription() {

						@Override
						public void request(long n) {
							subscription.request(n);
							writer.demand(n);
						}

						@Override
						public void cancel() {
							subscription.cancel();
							writer.stop();
						}

					});
				}

				@Override
				public void onNext(StateEvent item) {
					subscriber.onNext(item);
				}

				@Override
				public void onError(Throwable throwable) {
					writer.stop();
					subscriber.onError(throwable);
				}

				@Override
				public void onComplete() {
					writer.stop();
					subscriber.onComplete();
				}

			});
			// the watch registers its subscriber with the controller when subscribe returns:
			// only writes made from now on are its elements
			writer.start();
		}

	}

	/**
	 * Makes one write per requested element, up to the publisher's element count, on its own
	 * daemon thread (with synchronous dispatch, the subscriber's {@code onNext} runs there).
	 */
	private static final class Writer implements Runnable {

		private final StateController controller;

		private final AtomicLong values;

		private final long elements;

		private final Thread thread;

		private long demand;

		private boolean stopped;

		private long written;

		/** Requested elements the history already holds: they need no write. */
		private long replayed;

		Writer(StateController controller, AtomicLong values, long elements, long replayed) {
			this.controller = controller;
			this.values = values;
			this.elements = elements;
			this.replayed = replayed;
			this.thread = new Thread(this, "tck-writer");
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		synchronized void demand(long requested) {
			long fromHistory = Math.min(this.replayed, Math.max(0, requested));
			this.replayed -= fromHistory;
			long n = requested - fromHistory;
			if (n > 0) {
				this.demand = (this.demand + n < 0) ? Long.MAX_VALUE : this.demand + n;
				notifyAll();
			}
		}

		synchronized void stop() {
			this.stopped = true;
			notifyAll();
		}

		@Override
		public void run() {
			while (this.written < this.elements) {
				synchronized (this) {
					while (!this.stopped && this.demand == 0) {
						try {
							wait();
						}
						catch (InterruptedException ex) {
							return;
						}
					}
					if (this.stopped) {
						return;
					}
					this.demand--;
				}
				this.written++;
				try {
					this.controller.set(PATH, this.values.incrementAndGet());
				}
				catch (IllegalStateException ex) {
					// the controller was closed after the test
					return;
				}
			}
		}

	}

}
