package io.statetree.autoconfigure;

import io.statetree.core.StateController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the controller when the application stops: after the web server stopped taking requests
 * (its phases are higher, so it stops first) and before the connection factories it may use stop
 * (Spring Data Redis' {@code LettuceConnectionFactory} is a lifecycle bean of phase 0, stopped
 * before any singleton is destroyed). So the controller's close, which deletes this instance's
 * ephemeral entries with expiry commits and then closes the backend, still reaches Redis. The
 * controller's own destroy method closes it again, which does nothing. A controller cannot start
 * again once stopped.
 */
final class StateControllerLifecycle implements SmartLifecycle {

	/** Below the web server's phases ({@code DEFAULT_PHASE - 1024} and {@code - 2048}), above 0. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(StateControllerLifecycle.class);

	private final StateController controller;

	private volatile boolean running;

	StateControllerLifecycle(StateController controller) {
		this.controller = controller;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		try {
			this.controller.close();
		}
		catch (RuntimeException ex) {
			logger.warn("StateTree could not close its controller cleanly", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
