package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Collections;
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
 * to a pattern twice delivers once. Thread-safe; registering never takes the commit lock.
 */
final class ListenerRegistry {

	private final PatternIndex<Callback> index;

	/** Makes the item that replaces a callback's overflowed backlog. */
	private final BiFunction<Callback, CommitRecord, DeliveryItem> resync;

	private final Map<String, Callback> callbacksById = new ConcurrentHashMap<>();

	private final Map<StateListener, Callback> callbacksByListener = Collections.synchronizedMap(new IdentityHashMap<>());

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
		Callback callback = this.callbacksByListener.computeIfAbsent(listener,
				(l) -> newCallback("listener-" + nextId(), l, false));
		add(compiled, callback);
		return () -> remove(compiled, callback);
	}

	boolean unsubscribe(String pattern, StateListener listener) {
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
		synchronized (this.callbacksById) {
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
		synchronized (this.callbacksById) {
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

	boolean unregisterCallback(String id) {
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
		Callback callback = this.callbacksById.get(id);
		if (callback == null) {
			throw new IllegalArgumentException("No callback is registered under id '" + id + "'");
		}
		add(compiled, callback);
		return () -> remove(compiled, callback);
	}

	boolean unsubscribeById(String pattern, String id) {
		PathPattern compiled = PathPattern.compile(pattern);
		Callback callback = this.callbacksById.get(id);
		return callback != null && remove(compiled, callback);
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
		Callback callback = new Callback(id, listener, this.resync);
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

	private boolean remove(PathPattern pattern, Callback callback) {
		callback.patterns.remove(pattern);
		return this.index.remove(pattern, callback);
	}

}
