package io.statetree.core.internal;

import io.statetree.core.backend.StateBackend;

/**
 * Stops a controller's parts at {@code close}, in the order that loses nothing: group
 * members leave first, while a listener call under way may still write; then the controller
 * refuses new calls; the expiry sweeper commits this instance's ephemeral entries away and stops;
 * the feed is disconnected and what was committed is delivered (up to the controller's close
 * delivery timeout, five seconds by default); open watches
 * complete; last the backend, the dispatch executor the controller made and its asynchronous
 * calls are closed, each even when one before it threw. Stateless; called once, by
 * {@link DefaultStateController#close()}.
 */
final class ControllerShutdown {

	private ControllerShutdown() {
	}

	/**
	 * Stops the parts.
	 * @param parts the controller's parts
	 * @param watches the controller's open watches
	 * @param refuseCalls makes the controller refuse calls from now on
	 * @param deliveryMillis how long to wait for the listeners to hear what was committed
	 */
	static void stop(ControllerParts parts, OpenWatches watches, Runnable refuseCalls, long deliveryMillis) {
		GroupListeners groups = parts.groupsIfMade();
		if (groups != null) {
			groups.close();
		}
		refuseCalls.run();
		StateBackend backend = parts.backend;
		try {
			ExpirySweeper sweeper = parts.commits.sweeper();
			if (sweeper != null) {
				// this instance's ephemeral entries go with it, in expiry commits heard before close
				sweeper.close();
			}
			if (backend.isShared()) {
				backend.setBackendListener(null);
			}
			parts.dispatcher.awaitIdle(deliveryMillis);
		}
		finally {
			// open watches end with onComplete (a subscriber's throw is logged there, not thrown)
			watches.closeAll();
			try {
				backend.close();
			}
			finally {
				if (parts.ownedExecutor != null) {
					parts.ownedExecutor.shutdown();
				}
				AsyncCalls async = parts.asyncIfMade();
				if (async != null) {
					async.close();
				}
			}
		}
	}

}
