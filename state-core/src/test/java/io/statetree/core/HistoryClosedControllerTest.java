package io.statetree.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The history calls and watches on a closed controller, and watches open when it closes. */
class HistoryClosedControllerTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static class Recorder implements Flow.Subscriber<StateEvent> {

		final List<StateEvent> events = new CopyOnWriteArrayList<>();

		final AtomicInteger completions = new AtomicInteger();

		final AtomicReference<Throwable> error = new AtomicReference<>();

		private final long initialDemand;

		volatile Flow.Subscription subscription;

		Recorder(long initialDemand) {
			this.initialDemand = initialDemand;
		}

		@Override
		public void onSubscribe(Flow.Subscription s) {
			this.subscription = s;
			if (this.initialDemand > 0) {
				s.request(this.initialDemand);
			}
		}

		@Override
		public void onNext(StateEvent item) {
			this.events.add(item);
		}

		@Override
		public void onError(Throwable t) {
			this.error.set(t);
		}

		@Override
		public void onComplete() {
			this.completions.incrementAndGet();
		}

	}

	private static StateController closed() {
		StateController c = StateController.builder().build();
		c.set("/a", 1);
		c.close();
		return c;
	}

	@Test
	void everyHistoryCallFailsAtOnceOnAClosedController() {
		StateController c = closed();
		StateSnapshot s = new StateSnapshot(StatePath.of("/a"), 1, 2);
		assertThatThrownBy(() -> c.watch("/a", 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.watch("/a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.history(0, 10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.getVersioned("/a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.getVersioned("/a", Integer.class)).isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(() -> c.snapshot("/a")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.restore(s)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> c.increment("/n", 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
	}

	@Test
	void aBadPatternIsReportedBeforeTheClose() {
		StateController c = closed();
		assertThatThrownBy(() -> c.watch("/a/{", 0)).isInstanceOf(InvalidPathException.class);
		assertThatThrownBy(() -> c.watch("/a/{")).isInstanceOf(InvalidPathException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "live", "replay" })
	void anOpenWatchCompletesWhenTheControllerCloses(String kind) {
		StateController c = StateController.builder().historySize(100).build();
		c.set("/a", 1);
		Recorder r = new Recorder(Long.MAX_VALUE);
		(kind.equals("live") ? c.watch("/a") : c.watch("/a", 0)).subscribe(r);
		c.set("/a", 2);
		await().atMost(WAIT).until(() -> r.events.size() == (kind.equals("live") ? 1 : 2));
		c.close();
		await().atMost(WAIT).until(() -> r.completions.get() == 1);
		assertThat(r.error.get()).isNull();
		c.close();
		assertThat(r.completions.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "live", "replay" })
	void aWatchWithoutDemandStillCompletesWhenTheControllerCloses(String kind) {
		StateController c = StateController.builder().historySize(100).build();
		c.set("/a", 1);
		Recorder r = new Recorder(0);
		(kind.equals("live") ? c.watch("/a") : c.watch("/a", 0)).subscribe(r);
		c.set("/a", 2);
		c.close();
		await().atMost(WAIT).until(() -> r.completions.get() == 1);
		assertThat(r.events).isEmpty();
		assertThat(r.error.get()).isNull();
	}

	@Test
	void aSubscriberThrowingOnCompleteDoesNotStopTheOthersOrTheClose() {
		StateController c = StateController.builder().historySize(100).build();
		Recorder thrower = new Recorder(1) {
			@Override
			public void onComplete() {
				super.onComplete();
				throw new IllegalStateException("subscriber bug");
			}
		};
		Recorder other = new Recorder(1);
		c.watch("/a").subscribe(thrower);
		c.watch("/a", 0).subscribe(other);
		c.close();
		assertThat(thrower.completions.get()).isEqualTo(1);
		assertThat(other.completions.get()).isEqualTo(1);
		assertThatThrownBy(() -> c.set("/a", 1)).isInstanceOf(IllegalStateException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "live", "replay" })
	void aPublisherSubscribedAfterTheCloseCompletesAtOnce(String kind) {
		StateController c = StateController.builder().historySize(100).build();
		c.set("/a", 1);
		Flow.Publisher<StateEvent> p = kind.equals("live") ? c.watch("/a") : c.watch("/a", 0);
		c.close();
		Recorder r = new Recorder(Long.MAX_VALUE);
		p.subscribe(r);
		await().atMost(WAIT).until(() -> r.completions.get() == 1);
		assertThat(r.subscription).isNotNull();
		assertThat(r.error.get()).isNull();
	}

}
