package io.statetree.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.statetree.core.PathPattern;
import io.statetree.core.StateListener;

/**
 * A listener registered under an id. Identity matters: the index de-duplicates by callback, and
 * replacing the listener under the same id keeps every subscription.
 */
final class Callback {

	final String id;

	volatile StateListener listener;

	final Set<PathPattern> patterns = ConcurrentHashMap.newKeySet();

	Callback(String id, StateListener listener) {
		this.id = id;
		this.listener = listener;
	}

	@Override
	public String toString() {
		return this.id;
	}

}
