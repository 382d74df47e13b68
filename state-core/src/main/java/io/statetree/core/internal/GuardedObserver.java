package io.statetree.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StateController.OnError;
import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one policy for code it does not control: calls into the
 * {@link ControllerObserver} never let a failure out (it is logged and dropped); failures of
 * listeners, effects and derivations are logged rate-limited (the first with its trace, then
 * summaries), never quoting a value; and the {@link OnError} setting decides whether a listener's
 * failure reaches the writer (DESIGN §5 "a listener that throws", §6 "a transform that throws").
 * <p>
 * Logs under the controller's category ({@code io.statetree.core.internal.DefaultStateController}),
 * where these lines have always been, so logging configuration keeps working. Thread-safe.
 */
final class GuardedObserver {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	private final ControllerObserver observer;

	/** Whether a real observer is set: when not, no clock is read and no observer item is queued. */
	final boolean observed;

	private final OnError onError;

	GuardedObserver(@Nullable ControllerObserver observer, OnError onError) {
		this.observer = (observer != null) ? observer : ControllerObserver.NONE;
		this.observed = observer != null && observer != ControllerObserver.NONE;
		this.onError = onError;
	}

	/** The start of a timed call: {@link System#nanoTime()} when observed, else 0. */
	long start() {
		return this.observed ? System.nanoTime() : 0;
	}

	/** Tells the observer of a read. Call only when {@link #observed}. */
	void read(StatePath path) {
		try {
			this.observer.onRead(path);
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed on read of {}", path, ex);
		}
	}

	/** Tells the observer of a commit (from the controller's own mailbox, before its listeners). */
	void commit(CommitRecord record) {
		try {
			this.observer.onCommit(record.revision(), record.origin(), record.changes());
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed on commit {}", record.revision(), ex);
		}
	}

	/** Opens the observer's scope for a listener or an effect about to run, when observed. */
	ControllerObserver.Scope listenerStarting(String listenerId, StatePath path) {
		if (!this.observed) {
			return ControllerObserver.Scope.NONE;
		}
		try {
			return this.observer.listenerStarting(listenerId, path);
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed", ex);
			return ControllerObserver.Scope.NONE;
		}
	}

	/** Opens the observer's scope for a derivation about to run, when observed. */
	ControllerObserver.Scope derivationStarting(StatePath destination) {
		if (!this.observed) {
			return ControllerObserver.Scope.NONE;
		}
		try {
			return this.observer.derivationStarting(destination);
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed", ex);
			return ControllerObserver.Scope.NONE;
		}
	}

	private static void close(ControllerObserver.Scope scope, @Nullable Throwable error) {
		try {
			scope.close(error);
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed", ex);
		}
	}

	/** Closes the listener's scope and tells the observer that a listener or an effect ran, when observed. */
	void listener(String listenerId, StatePath path, long start, ControllerObserver.Scope scope,
			@Nullable Throwable error) {
		close(scope, error);
		if (this.observed) {
			try {
				this.observer.onListener(listenerId, path, Duration.ofNanos(System.nanoTime() - start), error);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
	}

	/** Closes the derivation's scope and tells the observer that a derivation ran, when observed. */
	void derivation(DerivationImpl derivation, long start, ControllerObserver.Scope scope, @Nullable Throwable error) {
		if (scope != ControllerObserver.Scope.NONE) {
			close(scope, error);
		}
		if (this.observed) {
			try {
				this.observer.onDerivation(derivation.destination, Duration.ofNanos(System.nanoTime() - start), error);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
	}

	/**
	 * Reports that a listener's queue overflowed (its backlog replaced by one resync event): the
	 * first in full, then one summary per interval; and tells the observer.
	 * @param logDecision the listener's {@link FailureLog#record()} answer for this overflow
	 */
	void overflow(String listenerId, int dropped, int capacity, long logDecision) {
		if (logDecision == FailureLog.LOG_FULL) {
			logger.warn("StateTree listener '{}' fell more than {} events behind; its {} queued events were replaced "
					+ "by one resync event (raise statetree.listeners.queue-capacity or offer-timeout, or speed the "
					+ "listener up); further overflows of this listener are summarised", listenerId, capacity, dropped);
		}
		else if (logDecision > 0) {
			logger.warn("StateTree listener '{}' overflowed {} more times in the last {} s (queue capacity {})",
					listenerId, logDecision, TimeUnit.NANOSECONDS.toSeconds(FailureLog.SUMMARY_INTERVAL_NANOS), capacity);
		}
		if (this.observed) {
			try {
				this.observer.onListenerOverflow(listenerId, dropped);
			}
			catch (RuntimeException ex) {
				logger.warn("StateTree observer failed", ex);
			}
		}
	}

	/**
	 * Logs a listener's failure: the first of each listener with its stack trace, then at most
	 * one summary line per interval with the count. Never logs values.
	 */
	void listenerFailed(Callback callback, Event event, Throwable ex) {
		long decision = callback.failures.record();
		if (decision == FailureLog.LOG_FULL) {
			logger.warn("StateTree listener '{}' failed on {} (emitting path {}, revision {}); further failures of "
					+ "this listener are summarised", callback.id, event.path(), event.emittingPath(), event.revision(),
					ex);
		}
		else if (decision > 0) {
			logger.warn("StateTree listener '{}' failed {} more times in the last {} s (the latest: {} on {}, "
					+ "revision {})", callback.id, decision,
					TimeUnit.NANOSECONDS.toSeconds(FailureLog.SUMMARY_INTERVAL_NANOS), ex.getClass().getName(),
					event.path(), event.revision());
		}
	}

	/**
	 * Logs an effect's failure like a listener's, redacted.
	 * @return the failure as the observer may see it (redacted)
	 */
	Throwable effectFailed(EffectImpl effect, StatePath emittingPath, Throwable ex) {
		Throwable safe = Redacted.of(ex);
		logFailure(effect.failures, "effect '" + effect.id + "'", ex, safe, " on " + emittingPath);
		return safe;
	}

	/**
	 * Logs a derivation's failure like a listener's, redacted (a conversion error quotes its
	 * input); the destination keeps its last value.
	 * @return the failure as the observer may see it (redacted)
	 */
	Throwable derivationFailed(DerivationImpl derivation, Throwable ex) {
		Throwable safe = Redacted.of(ex);
		logFailure(derivation.failures, "derivation of " + derivation.destination, ex, safe,
				"; it keeps its last value");
		return safe;
	}

	/**
	 * Logs a failure: the first with its stack trace (redacted: only StateTree's own messages,
	 * which never quote values), then at most one summary line per interval with the count.
	 */
	private static void logFailure(FailureLog failures, String what, Throwable ex, Throwable safe, String where) {
		long decision = failures.record();
		if (decision == FailureLog.LOG_FULL) {
			logger.warn("StateTree {} failed{} ({}); further failures of it are summarised", what, where,
					Redacted.describe(ex), safe);
		}
		else if (decision > 0) {
			logger.warn("StateTree {} failed {} more times in the last {} s (the latest: {}{})", what, decision,
					TimeUnit.NANOSECONDS.toSeconds(FailureLog.SUMMARY_INTERVAL_NANOS), Redacted.describe(ex), where);
		}
	}

	/**
	 * Applies the on-error setting to what a delivery reported: with {@link OnError#RETHROW} the
	 * first listener failure reaches the writer (after every listener ran), else nothing.
	 * @param failure the first failure of the delivery, or null
	 */
	void rethrowIfConfigured(@Nullable Throwable failure) {
		if (failure != null && this.onError == OnError.RETHROW) {
			if (failure instanceof RuntimeException ex) {
				throw ex;
			}
			if (failure instanceof Error error) {
				throw error;
			}
			throw new StateException("Listener failed: " + failure.getMessage(), failure);
		}
	}

}
