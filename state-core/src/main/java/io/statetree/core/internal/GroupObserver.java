package io.statetree.core.internal;

import java.time.Duration;

import io.statetree.core.ControllerObserver;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the controller's observer what group listeners did (DESIGN §13), never letting an
 * observer's failure reach a group's worker. Thread-safe.
 */
final class GroupObserver {

	private static final Logger logger = LoggerFactory.getLogger(DefaultStateController.class);

	private final ControllerObserver observer;

	GroupObserver(@Nullable ControllerObserver observer) {
		this.observer = (observer != null) ? observer : ControllerObserver.NONE;
	}

	void handled(String group, StatePath path, long startNanos) {
		guard(() -> this.observer.onGroupHandled(group, path, Duration.ofNanos(System.nanoTime() - startNanos)));
	}

	void retried(String group, StatePath path, Throwable error) {
		guard(() -> this.observer.onGroupRetried(group, path, error));
	}

	void deadLettered(String group, StatePath path) {
		guard(() -> this.observer.onGroupDeadLettered(group, path));
	}

	void claimed(String group, int partition) {
		guard(() -> this.observer.onGroupClaimed(group, partition));
	}

	void lateAcknowledgement(String group, int partition) {
		guard(() -> this.observer.onGroupLateAcknowledgement(group, partition));
	}

	private static void guard(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree observer failed on a group listener's report", ex);
		}
	}

}
