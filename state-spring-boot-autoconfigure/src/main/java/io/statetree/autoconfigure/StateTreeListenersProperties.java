package io.statetree.autoconfigure;

import java.time.Duration;

import io.statetree.core.StateController;

/**
 * Settings of listener dispatch.
 */
public class StateTreeListenersProperties {

	/**
	 * How listeners are called: on the writing thread after the commit (sync), or on an
	 * executor (async), in revision order either way.
	 */
	private StateController.Dispatch dispatch = StateController.Dispatch.SYNC;

	/**
	 * What happens when a listener throws: log it and go on (log), or rethrow it to the
	 * writer after the other listeners ran (rethrow, for tests).
	 */
	private StateController.OnError onError = StateController.OnError.LOG;

	/**
	 * Capacity of each listener's own queue of undelivered events. A writer that finds a
	 * listener's queue full waits up to offer-timeout; then that listener's queued events
	 * are replaced by one resync event, and the overflow is logged and counted.
	 */
	private int queueCapacity = 10_000;

	/**
	 * How long a writer waits for room in a full listener queue before that listener's
	 * backlog is replaced by one resync event.
	 */
	private Duration offerTimeout = Duration.ofSeconds(1);

	/**
	 * Returns the dispatch mode.
	 * @return the mode
	 */
	public StateController.Dispatch getDispatch() {
		return this.dispatch;
	}

	/**
	 * Sets the dispatch mode.
	 * @param dispatch the mode
	 */
	public void setDispatch(StateController.Dispatch dispatch) {
		this.dispatch = dispatch;
	}

	/**
	 * Returns the error policy.
	 * @return the policy
	 */
	public StateController.OnError getOnError() {
		return this.onError;
	}

	/**
	 * Sets the error policy.
	 * @param onError the policy
	 */
	public void setOnError(StateController.OnError onError) {
		this.onError = onError;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		this.queueCapacity = queueCapacity;
	}

	public Duration getOfferTimeout() {
		return this.offerTimeout;
	}

	public void setOfferTimeout(Duration offerTimeout) {
		this.offerTimeout = offerTimeout;
	}

}
