package io.statetree.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.core.Subscription;

/**
 * The events one controller's listeners hear, recorded for a test: {@link #events()} lists them
 * in the order heard, {@link #awaitEvent(String, Duration)} waits for one at a matching path.
 * Every change is recorded once, at the changed path ({@link StateEvent#path()}). Thread-safe:
 * events may arrive on any thread (asynchronous dispatch) while the test reads.
 */
public final class StateTreeTestEvents implements AutoCloseable {

	private final Object lock = new Object();

	private final List<StateEvent> events = new ArrayList<>();

	private final Subscription subscription;

	private StateTreeTestEvents(StateController controller) {
		this.subscription = controller.subscribe("/**", this::add);
	}

	/**
	 * Starts recording the events of a controller.
	 * @param controller the controller
	 * @return the recorder; close it to stop recording
	 */
	public static StateTreeTestEvents record(StateController controller) {
		return new StateTreeTestEvents(Objects.requireNonNull(controller, "controller"));
	}

	private void add(StateEvent event) {
		synchronized (this.lock) {
			this.events.add(event);
			this.lock.notifyAll();
		}
	}

	/**
	 * Returns the events recorded since the start or the last {@link #clear()}, oldest first.
	 * @return a copy of the events
	 */
	public List<StateEvent> events() {
		synchronized (this.lock) {
			return List.copyOf(this.events);
		}
	}

	/**
	 * Returns the recorded events whose path matches a pattern, oldest first.
	 * @param pattern a path pattern such as {@code /users/*}, see {@link PathPattern}
	 * @return a copy of the matching events
	 * @throws io.statetree.core.InvalidPathException when the pattern is malformed
	 */
	public List<StateEvent> events(String pattern) {
		PathPattern compiled = PathPattern.compile(pattern);
		return events().stream().filter((event) -> compiled.matches(event.path())).toList();
	}

	/**
	 * Waits for an event at a path matching a pattern: returns the first such event recorded
	 * since the start or the last {@link #clear()}, at once when one was recorded already.
	 * @param pattern a path pattern such as {@code /users/*}, see {@link PathPattern}
	 * @param timeout the longest wait (zero or more)
	 * @return the event
	 * @throws AssertionError when none came within the timeout (naming the pattern and the paths
	 * heard, never values)
	 * @throws io.statetree.core.InvalidPathException when the pattern is malformed
	 * @throws IllegalArgumentException when the timeout is negative
	 */
	public StateEvent awaitEvent(String pattern, Duration timeout) {
		PathPattern compiled = PathPattern.compile(pattern);
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lock) {
			int checked = 0;
			while (true) {
				for (; checked < this.events.size(); checked++) {
					StateEvent event = this.events.get(checked);
					if (compiled.matches(event.path())) {
						return event;
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("No StateTree event at a path matching " + pattern + " within " + timeout
							+ "; heard " + this.events.size() + " at " + this.events.stream()
								.map((event) -> event.path().toString())
								.distinct()
								.limit(20)
								.toList());
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lock, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted while waiting for a StateTree event matching " + pattern, ex);
				}
			}
		}
	}

	/** Forgets the events recorded so far. */
	public void clear() {
		synchronized (this.lock) {
			this.events.clear();
		}
	}

	/** Stops recording. */
	@Override
	public void close() {
		this.subscription.close();
	}

}
