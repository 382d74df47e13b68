package io.statetree.autoconfigure;

import io.statetree.core.StateController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * With a Redis backend, closes the controller when the application stops, in the phase just above
 * its Redis connection factory's: Spring Data Redis' connection factories are lifecycle beans
 * (phase 0 by default), stopped before any singleton is destroyed, so the controller's own destroy
 * method would find Redis unreachable and could neither delete this instance's ephemeral entries
 * (expiry commits, DESIGN §12) nor stop its feed cleanly. The web server and other lifecycle beans
 * of higher phases stop first. The destroy method closes the controller again, which does nothing.
 * (Without Redis the controller closes when it is destroyed, after the beans that use it.)
 * <p>
 * Only a stop that is part of closing the context closes the controller: after a plain
 * {@code ConfigurableApplicationContext.stop()} the controller stays open, its change feeds
 * stopped by {@link RedisFeedLifecycle}, and a {@code start()} resumes them.
 */
final class StateControllerLifecycle implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(StateControllerLifecycle.class);

	private final StateController controller;

	private final int phase;

	private volatile boolean running;

	private volatile boolean closing;

	StateControllerLifecycle(StateController controller, int phase) {
		this.controller = controller;
		this.phase = phase;
	}

	/**
	 * The phase of the lifecycle that stops just before a connection factory.
	 * @param connectionFactory the connection factory, a lifecycle bean or not
	 * @return one above its phase, or 1 (above the default 0) when it has none
	 */
	static int phaseBefore(Object connectionFactory) {
		if (connectionFactory instanceof SmartLifecycle lifecycle && lifecycle.getPhase() < Integer.MAX_VALUE) {
			return lifecycle.getPhase() + 1;
		}
		return 1;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.closing = true;
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
		if (!this.closing) {
			return;
		}
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
		return this.phase;
	}

}
