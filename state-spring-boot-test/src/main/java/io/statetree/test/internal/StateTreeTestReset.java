package io.statetree.test.internal;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.test.StateTreeTestEvents;
import org.jspecify.annotations.Nullable;

/**
 * Puts a test context's tree back as it was before its first test method ran, and forgets the
 * recorded events ({@link StateTreeResetTestExecutionListener}). Not public API. Thread-safe.
 */
public final class StateTreeTestReset {

	private final StateController controller;

	private final StateTreeTestEvents events;

	private @Nullable StateSnapshot baseline;

	StateTreeTestReset(StateController controller, StateTreeTestEvents events) {
		this.controller = controller;
		this.events = events;
	}

	/** Takes the baseline the first time, before the first test method of the context. */
	synchronized void beforeTest() {
		if (this.baseline == null) {
			this.baseline = this.controller.snapshot(StatePath.ROOT);
		}
		this.events.clear();
	}

	/** Restores the baseline and forgets the events recorded. */
	synchronized void afterTest() {
		StateSnapshot baseline = this.baseline;
		if (baseline != null) {
			this.controller.restore(baseline);
		}
		this.events.clear();
	}

}
