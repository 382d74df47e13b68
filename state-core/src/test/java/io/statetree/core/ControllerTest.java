package io.statetree.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.statetree.core.backend.Change;
import io.statetree.core.internal.ControllerInternals;
import io.statetree.core.internal.DefaultStateController;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Controller behaviour that does not depend on the backend: logging, asynchronous dispatch,
 * reactive demand, the observer, lifecycle.
 */
class ControllerTest {

	@Test
	void anEventConvertsItsValuesToGenericTypesLikeATypedReadAndNeverQuotesTheValue() {
		try (StateController c = StateController.create()) {
			c.set("/scores", List.of(1, 2));
			List<List<Long>> heard = new CopyOnWriteArrayList<>();
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			c.subscribe("/scores", (event) -> {
				try {
					heard.add(event.prevValue(new TypeRef<List<Long>>() { }));
					heard.add(event.newValue(new TypeRef<List<Long>>() { }));
				}
				catch (RuntimeException ex) {
					failures.add(ex);
				}
			});
			c.set("/scores", List.of(3, 4));
			assertThat(heard).containsExactly(List.of(1L, 2L), List.of(3L, 4L));
			assertThat(heard.get(1).get(0)).isInstanceOf(Long.class);
			c.set("/scores", List.of("s3cr3t"));
			assertThat(failures).singleElement().isInstanceOf(StateValueException.class)
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("/scores").doesNotContain("s3cr3t"));
		}
	}

	@Test
	void aFailingListenerIsLoggedWithItsIdAndPathAndCounted() {
		Logger logger = (Logger) LoggerFactory.getLogger(DefaultStateController.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		FailureCounter failures = new FailureCounter();
		try (StateController controller = StateController.builder().observer(failures).build()) {
			controller.registerCallback((e) -> {
				throw new IllegalStateException("boom");
			}, "auditor", false);
			controller.subscribeById("/users/*", "auditor");
			controller.set("/users/1", "ada");
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getFormattedMessage()).contains("'auditor'").contains("/users/1");
				assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
			});
			assertThat(failures.listeners).hasValue(1);
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aThousandFailuresOfOneListenerLogOneTraceAndNoValues() {
		Logger logger = (Logger) LoggerFactory.getLogger(DefaultStateController.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		FailureCounter failures = new FailureCounter();
		try (StateController controller = StateController.builder().observer(failures).build()) {
			controller.registerCallback((e) -> {
				throw new IllegalStateException("cannot handle this");
			}, "flaky", false);
			controller.subscribeById("/secrets/*", "flaky");
			for (int i = 0; i < 1_000; i++) {
				controller.set("/secrets/token", "sk-live-" + i);
			}
			assertThat(failures.listeners).hasValue(1_000);
			// the first failure with its trace; the rest are summarised at most once per 10 s
			assertThat(appender.list).filteredOn((event) -> event.getThrowableProxy() != null).hasSize(1);
			assertThat(appender.list).hasSizeLessThanOrEqualTo(2);
			assertThat(appender.list.get(0).getFormattedMessage()).contains("'flaky'").contains("/secrets/token");
			assertThat(appender.list).allSatisfy((event) -> assertThat(event.getFormattedMessage()).doesNotContain("sk-live"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aThousandFailuresOfOneDerivationOrEffectLogOneTraceEachAndNoValues() {
		Logger logger = (Logger) LoggerFactory.getLogger(DefaultStateController.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		FailureCounter failures = new FailureCounter();
		try (StateController controller = StateController.builder().observer(failures).build()) {
			controller.derive("/stats/broken", "/secrets/token", (token) -> {
				if (token != null) {
					throw new IllegalStateException("cannot derive from " + token);
				}
				return 0;
			});
			controller.track((e) -> {
				Object token = e.get("/secrets/token");
				if (token != null) {
					throw new IllegalArgumentException("cannot use " + token);
				}
			});
			for (int i = 0; i < 1_000; i++) {
				controller.set("/secrets/token", "sk-live-" + i);
			}
			assertThat(failures.derivations).hasValue(1_000);
			assertThat(failures.listeners).hasValue(1_000);
			// one trace for the derivation, one for the effect; the rest summarised at most once per 10 s each
			assertThat(appender.list).filteredOn((event) -> event.getThrowableProxy() != null).hasSize(2);
			assertThat(appender.list).hasSizeLessThanOrEqualTo(4);
			assertThat(appender.list).anySatisfy((event) -> assertThat(event.getFormattedMessage()).contains("/stats/broken"));
			assertThat(appender.list).allSatisfy((event) -> {
				assertThat(event.getFormattedMessage()).doesNotContain("sk-live");
				if (event.getThrowableProxy() != null) {
					assertThat(String.valueOf(event.getThrowableProxy().getMessage())).doesNotContain("sk-live");
				}
			});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void asyncDispatchDeliversInRevisionOrderOffTheWritingThread() {
		List<Long> revisions = new CopyOnWriteArrayList<>();
		List<Thread> threads = new CopyOnWriteArrayList<>();
		try (StateController controller = StateController.builder().dispatch(StateController.Dispatch.ASYNC).build()) {
			controller.subscribe("/**", (e) -> {
				revisions.add(e.revision());
				threads.add(Thread.currentThread());
			});
			for (int i = 0; i < 500; i++) {
				controller.set("/n", i);
			}
			ControllerInternals.awaitDispatch(controller, 10_000);
			assertThat(revisions).hasSize(500).isSorted();
			assertThat(threads).doesNotContain(Thread.currentThread());
		}
	}

	@Test
	void aWatcherThatFallsTooFarBehindGetsAnError() {
		try (StateController controller = StateController.create()) {
			AtomicReference<Throwable> error = new AtomicReference<>();
			List<StateEvent> received = new ArrayList<>();
			controller.watch("/w").subscribe(new Flow.Subscriber<>() {
				@Override
				public void onSubscribe(Flow.Subscription subscription) {
					subscription.request(1);
				}

				@Override
				public void onNext(StateEvent item) {
					received.add(item);
				}

				@Override
				public void onError(Throwable throwable) {
					error.set(throwable);
				}

				@Override
				public void onComplete() {
				}
			});
			for (int i = 0; i < 2_000; i++) {
				controller.set("/w", i);
			}
			assertThat(received).hasSize(1);
			assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("/w");
			assertThat(controller.registrations().listeners()).isEmpty();
		}
	}

	@Test
	void theObserverSeesCommitsReadsListenersAndDerivations() {
		List<String> seen = new CopyOnWriteArrayList<>();
		ControllerObserver observer = new ControllerObserver() {
			@Override
			public void onCommit(long revision, String origin, List<Change> changes) {
				seen.add("commit " + changes.get(0).path());
			}

			@Override
			public void onRead(StatePath path) {
				seen.add("read " + path);
			}

			@Override
			public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
				seen.add("listener " + listenerId + " " + path);
			}

			@Override
			public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
				seen.add("derivation " + destination);
			}
		};
		try (StateController controller = StateController.builder().observer(observer).build()) {
			controller.registerCallback((e) -> {
			}, "l", false);
			controller.subscribeById("/a", "l");
			controller.derive("/b", "/a", (a) -> a);
			seen.clear();
			controller.set("/a", 1);
			controller.get("/a");
			assertThat(seen).containsExactly("derivation /b", "commit /a", "listener l /a", "read /a");
		}
	}

	@Test
	void aClosedControllerRefusesWrites() {
		StateController controller = StateController.create();
		controller.close();
		controller.close();
		assertThatThrownBy(() -> controller.set("/a", 1)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void invalidPathsAreRejectedByEveryMethodNamingThePath() {
		try (StateController controller = StateController.create()) {
			assertThatThrownBy(() -> controller.get("/a//b")).isInstanceOf(InvalidPathException.class)
				.hasMessageContaining("/a//b");
			assertThatThrownBy(() -> controller.set("/a/../b", 1)).isInstanceOf(InvalidPathException.class);
			assertThatThrownBy(() -> controller.delete("/a/*")).isInstanceOf(InvalidPathException.class);
			assertThatThrownBy(() -> controller.subscribe("/a/x*", (e) -> {
			})).isInstanceOf(InvalidPathException.class).hasMessageContaining("/a/x*");
			assertThat(controller.get("/")).isEqualTo(java.util.Map.of());
		}
	}

	/**
	 * Counts the failures the observer is told of: of listeners and effects ({@code onListener}
	 * with an error) and of derivations.
	 */
	private static final class FailureCounter implements ControllerObserver {

		final AtomicLong listeners = new AtomicLong();

		final AtomicLong derivations = new AtomicLong();

		@Override
		public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
			if (error != null) {
				this.listeners.incrementAndGet();
			}
		}

		@Override
		public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
			if (error != null) {
				this.derivations.incrementAndGet();
			}
		}

	}

}
