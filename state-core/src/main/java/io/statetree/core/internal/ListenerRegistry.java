package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController.ListenerInfo;
import io.statetree.core.StateListener;
import io.statetree.core.Subscription;

/**
 * Who is registered to hear writes (DESIGN §5, the registration half): subscriptions by
 * listener, callbacks under ids (generated or forced, replaceable), and their patterns in the
 * {@link EventRouter}'s index. One callback per listener (or per id), so subscribing a listener
 * to a pattern twice delivers once. A listener subscribed without an id is held only while it has
 * a pattern: closing its last subscription (or unsubscribing it, or cancelling the
 * {@code watch} that made it) forgets it; a callback under an id is held until
 * {@code unregisterCallback}. Thread-safe: changes are made under this registry's monitor;
 * registering never takes the commit lock.
 */
final class ListenerRegistry {

	private final PatternIndex<Callback> index;

	/** Makes the item that replaces a callback's overflowed backlog. */
	private final BiFunction<Callback, CommitRecord, DeliveryItem> resync;

	/** Callbacks under ids; changed under this registry's monitor. */
	private final Map<String, Callback> callbacksById = new ConcurrentHashMap<>();

	/** Listeners subscribed without an id, while they have a pattern; guarded by this registry's monitor. */
	private final Map<StateListener, Callback> callbacksByListener = new IdentityHashMap<>();

	/** Registration order, which is delivery order at one path. */
	private final AtomicLong order = new AtomicLong();

	/** The numbers of generated ids (listeners, callbacks, effects share them). */
	private final AtomicLong generatedIds = new AtomicLong();

	ListenerRegistry(EventRouter router) {
		this.index = router.index();
		this.resync = router::resyncItem;
	}

	/** The next number for a generated id. */
	long nextId() {
		return this.generatedIds.incrementAndGet();
	}

	Subscription subscribe(String pattern, StateListener listener) {
		PathPattern compiled = PathPattern.compile(pattern);
		Objects.requireNonNull(listener, "listener");
		Callback callback;
		synchronized (this) {
			callback = this.callbacksByListener.get(listener);
			if (callback == null) {
				callback = newCallback("listener-" + nextId(), listener, false);
				this.callbacksByListener.put(listener, callback);
			}
			add(compiled, callback);
		}
		Callback subscribed = callback;
		return () -> remove(compiled, subscribed);
	}

	synchronized boolean unsubscribe(String pattern, StateListener listener) {
		PathPattern compiled = PathPattern.compile(pattern);
		boolean removed = false;
		Callback callback = this.callbacksByListener.get(listener);
		if (callback != null) {
			removed = remove(compiled, callback);
		}
		for (Callback byId : this.callbacksById.values()) {
			if (byId.listener == listener) {
				removed |= remove(compiled, byId);
			}
		}
		return removed;
	}

	String registerCallback(StateListener listener) {
		Objects.requireNonNull(listener, "listener");
		synchronized (this) {
			for (Callback callback : this.callbacksById.values()) {
				if (callback.listener == listener) {
					return callback.id;
				}
			}
			String id;
			do {
				id = "callback-" + nextId();
			}
			while (this.callbacksById.containsKey(id));
			newCallback(id, listener, true);
			return id;
		}
	}

	String registerCallback(StateListener listener, String id, boolean replace) {
		Objects.requireNonNull(listener, "listener");
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("A callback id must not be blank");
		}
		synchronized (this) {
			Callback existing = this.callbacksById.get(id);
			if (existing != null) {
				if (existing.listener == listener) {
					return id;
				}
				if (!replace) {
					throw new IllegalStateException("A different listener is already registered under id '" + id
							+ "'; pass replace=true to replace it");
				}
				existing.listener = listener;
				return id;
			}
			newCallback(id, listener, true);
			return id;
		}
	}

	synchronized boolean unregisterCallback(String id) {
		Callback callback = this.callbacksById.remove(id);
		if (callback == null) {
			return false;
		}
		for (PathPattern pattern : List.copyOf(callback.patterns)) {
			remove(pattern, callback);
		}
		return true;
	}

	Subscription subscribeById(String pattern, String id) {
		PathPattern compiled = PathPattern.compile(pattern);
		Callback callback;
		synchronized (this) {
			callback = this.callbacksById.get(id);
			if (callback == null) {
				throw new IllegalArgumentException("No callback is registered under id '" + id + "'");
			}
			add(compiled, callback);
		}
		Callback subscribed = callback;
		return () -> remove(compiled, subscribed);
	}

	boolean unsubscribeById(String pattern, String id) {
		PathPattern compiled = PathPattern.compile(pattern);
		synchronized (this) {
			Callback callback = this.callbacksById.get(id);
			return callback != null && remove(compiled, callback);
		}
	}

	/**
	 * How many things this registry holds: callbacks by listener, callbacks by id and patterns in
	 * the index. Zero once every registration has ended (for tests).
	 */
	synchronized int size() {
		return this.callbacksByListener.size() + this.callbacksById.size() + this.index.entries().size();
	}

	/** Every subscription, for {@code registrations()}. */
	List<ListenerInfo> infos() {
		List<ListenerInfo> listeners = new ArrayList<>();
		for (PatternIndex.Entry<Callback> entry : this.index.entries()) {
			listeners.add(new ListenerInfo(entry.pattern().toString(), entry.value().id,
					String.valueOf(entry.value().listener)));
		}
		return List.copyOf(listeners);
	}

	private Callback newCallback(String id, StateListener listener, boolean byId) {
		Callback callback = new Callback(id, listener, byId, this.resync);
		if (byId) {
			this.callbacksById.put(id, callback);
		}
		return callback;
	}

	private void add(PathPattern pattern, Callback callback) {
		if (this.index.add(pattern, callback, this.order.incrementAndGet())) {
			callback.patterns.add(pattern);
		}
	}

	/** Removes one pattern of a callback, and forgets a listener subscribed without an id when it was its last. */
	private synchronized boolean remove(PathPattern pattern, Callback callback) {
		callback.patterns.remove(pattern);
		boolean removed = this.index.remove(pattern, callback);
		if (!callback.byId && callback.patterns.isEmpty()) {
			this.callbacksByListener.remove(callback.listener, callback);
		}
		return removed;
	}

}
