package io.statetree.core.internal;

import io.statetree.core.StateController;

/**
 * Lets tests in other packages reach what the controller keeps package-private for tests: waiting
 * for asynchronous dispatch and the overflow count. Only for controllers made by
 * {@link StateController#builder()}.
 */
public final class ControllerInternals {

	private ControllerInternals() {
	}

	/**
	 * Waits until asynchronous dispatch has delivered everything committed so far.
	 * @param controller the controller
	 * @param timeoutMillis the longest to wait
	 */
	public static void awaitDispatch(StateController controller, long timeoutMillis) {
		((DefaultStateController) controller).awaitDispatch(timeoutMillis);
	}

	/**
	 * On a shared backend with one revision space, sets how long a writer whose commit waits for
	 * earlier revisions waits for the change feed before its call returns and the commit is left to
	 * be delivered, in revision order, by whichever thread releases it (10 s unless set).
	 * @param controller the controller
	 * @param wait the time, positive
	 */
	public static void leaveHeldCommitsAfter(StateController controller, java.time.Duration wait) {
		((DefaultStateController) controller).leaveHeldCommitsAfter(wait);
	}

	/**
	 * Returns how many times a listener's queue overflowed.
	 * @param controller the controller
	 * @return the count
	 */
	public static long listenerOverflows(StateController controller) {
		return ((DefaultStateController) controller).listenerOverflows();
	}

}
