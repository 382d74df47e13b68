package io.statetree.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import io.statetree.core.PathPattern;
import io.statetree.core.StateListener;

/**
 * A listener registered under an id. Identity matters: the index de-duplicates by callback, and
 * replacing the listener under the same id keeps every subscription, the mailbox and its order.
 */
final class Callback {

	final String id;

	/** Whether it is registered under its id (held until unregistered) rather than subscribed by listener. */
	final boolean byId;

	volatile StateListener listener;

	final Set<PathPattern> patterns = ConcurrentHashMap.newKeySet();

	/** This listener's own ordered, bounded queue of events. */
	final Mailbox mailbox;

	/** Rate-limits the logging of this listener's failures. */
	final FailureLog failures = new FailureLog();

	/**
	 * Creates a callback.
	 * @param id its id
	 * @param listener the listener
	 * @param byId whether it is registered under its id rather than subscribed by listener
	 * @param resync makes the item that replaces this callback's overflowed backlog
	 */
	Callback(String id, StateListener listener, boolean byId, BiFunction<Callback, CommitRecord, DeliveryItem> resync) {
		this.id = id;
		this.byId = byId;
		this.listener = listener;
		this.mailbox = new Mailbox(id, (record) -> resync.apply(this, record));
	}

	@Override
	public String toString() {
		return this.id;
	}

}
