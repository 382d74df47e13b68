package io.statetree.core;

import java.time.Duration;
import java.util.List;

import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;

/**
 * Observes what a controller does, for metrics and audit. Every method has an empty default and
 * must return quickly; an observer that throws is logged and otherwise ignored.
 */
public interface ControllerObserver {

	/** An observer that does nothing. */
	ControllerObserver NONE = new ControllerObserver() {
	};

	/**
	 * A commit was made (locally or, for shared backends, by another instance).
	 * @param revision its revision
	 * @param origin the instance that made it
	 * @param changes the changed paths with old and new values
	 */
	default void onCommit(long revision, String origin, List<Change> changes) {
	}

	/**
	 * A read was served.
	 * @param path the path read
	 */
	default void onRead(StatePath path) {
	}

	/**
	 * A listener ran.
	 * @param listenerId its id
	 * @param path the notified path
	 * @param duration how long it took
	 * @param error what it threw, or {@code null}
	 */
	default void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
	}

	/**
	 * A derivation ran.
	 * @param destination its destination
	 * @param duration how long it took
	 * @param error what it threw, or {@code null}
	 */
	default void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
	}

}
