package io.statetree.core.internal;

/**
 * Told when a {@link Dispatcher}'s mailbox overflowed (its backlog replaced by one resync item).
 */
@FunctionalInterface
interface OverflowListener {

	/**
	 * Told after a mailbox overflowed.
	 * @param listenerId the listener's id
	 * @param dropped how many queued items were replaced by the resync item
	 * @param capacity the queue capacity
	 * @param logDecision the mailbox's {@link FailureLog#record()} answer for this overflow:
	 * log it in full, stay quiet, or log a summary of that many overflows
	 */
	void onOverflow(String listenerId, int dropped, int capacity, long logDecision);

}
