package io.statetree.core.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.statetree.core.ControllerObserver;
import io.statetree.core.LogCapture;
import io.statetree.core.StateController.OnError;
import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one policy for calls into code the engine does not control: an observer's failure never
 * escapes, the on-error setting alone decides whether a listener's failure reaches the writer.
 */
class GuardedObserverTest {

	private static final CommitRecord RECORD = new CommitRecord(7, "here",
			List.of(new Change(StatePath.of("/a"), 1, 2, null)), CommitRecord.Kind.LOCAL, 0, Thread.currentThread());

	@Test
	void anObserverThatThrowsIsLoggedAndNeverReachesTheEngine() {
		AtomicInteger calls = new AtomicInteger();
		ControllerObserver failing = new ControllerObserver() {

			@Override
			public void onCommit(long revision, String origin, List<Change> changes) {
				calls.incrementAndGet();
				throw new IllegalStateException("commit");
			}

			@Override
			public void onRead(StatePath path) {
				calls.incrementAndGet();
				throw new IllegalStateException("read");
			}

			@Override
			public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
				calls.incrementAndGet();
				throw new IllegalStateException("listener");
			}

			@Override
			public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
				calls.incrementAndGet();
				throw new IllegalStateException("derivation");
			}

			@Override
			public void onListenerOverflow(String listenerId, int dropped) {
				calls.incrementAndGet();
				throw new IllegalStateException("overflow");
			}

		};
		GuardedObserver guard = new GuardedObserver(failing, OnError.RETHROW);
		DerivationImpl derivation = new DerivationImpl(null, StatePath.of("/d"), List.of(), false, (reader) -> null);
		try (LogCapture log = LogCapture.controller()) {
			assertThatCode(() -> {
				guard.read(StatePath.of("/a"));
				guard.commit(RECORD);
				guard.listener("l", StatePath.of("/a"), guard.start(), ControllerObserver.Scope.NONE, null);
				guard.derivation(derivation, guard.start(), ControllerObserver.Scope.NONE, null);
				guard.overflow("l", 3, 2, FailureLog.QUIET);
			}).doesNotThrowAnyException();
			assertThat(calls).hasValue(5);
			assertThat(log.lines()).hasSize(5).allSatisfy((line) -> assertThat(line).contains("observer failed"));
		}
	}

	@Test
	void withoutAnObserverNothingIsTimedOrObserved() {
		GuardedObserver guard = new GuardedObserver(null, OnError.LOG);
		assertThat(guard.observed).isFalse();
		assertThat(guard.start()).isZero();
		assertThat(new GuardedObserver(ControllerObserver.NONE, OnError.LOG).observed).isFalse();
		assertThat(new GuardedObserver(new ControllerObserver() {
		}, OnError.LOG).observed).isTrue();
	}

	@Test
	void aListenerFailureReachesTheWriterOnlyWhenConfiguredToRethrow() {
		IllegalStateException runtime = new IllegalStateException("listener");
		AssertionError error = new AssertionError("listener");
		IOException checked = new IOException("listener");
		GuardedObserver logging = new GuardedObserver(null, OnError.LOG);
		assertThatCode(() -> {
			logging.rethrowIfConfigured(runtime);
			logging.rethrowIfConfigured(error);
			logging.rethrowIfConfigured(checked);
			logging.rethrowIfConfigured(null);
		}).doesNotThrowAnyException();
		GuardedObserver rethrowing = new GuardedObserver(null, OnError.RETHROW);
		assertThatCode(() -> rethrowing.rethrowIfConfigured(null)).doesNotThrowAnyException();
		assertThatThrownBy(() -> rethrowing.rethrowIfConfigured(runtime)).isSameAs(runtime);
		assertThatThrownBy(() -> rethrowing.rethrowIfConfigured(error)).isSameAs(error);
		assertThatThrownBy(() -> rethrowing.rethrowIfConfigured(checked)).isInstanceOf(StateException.class)
			.hasCause(checked);
	}

	@Test
	void anOverflowIsLoggedInFullThenSummarisedAndAlwaysObserved() {
		AtomicInteger dropped = new AtomicInteger();
		GuardedObserver guard = new GuardedObserver(new ControllerObserver() {

			@Override
			public void onListenerOverflow(String listenerId, int count) {
				dropped.addAndGet(count);
			}

		}, OnError.LOG);
		try (LogCapture log = LogCapture.controller()) {
			guard.overflow("slow", 10, 10, FailureLog.LOG_FULL);
			guard.overflow("slow", 10, 10, FailureLog.QUIET);
			guard.overflow("slow", 10, 10, 4);
			assertThat(log.lines()).hasSize(2);
			assertThat(log.lines().get(0)).contains("'slow'").contains("resync");
			assertThat(log.lines().get(1)).contains("'slow'").contains("overflowed 4 more times");
		}
		assertThat(dropped).hasValue(30);
	}

}
