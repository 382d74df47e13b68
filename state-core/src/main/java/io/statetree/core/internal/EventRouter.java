package io.statetree.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.statetree.core.ControllerObserver;
import io.statetree.core.PathPattern;
import io.statetree.core.StatePath;
import io.statetree.core.backend.Change;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;

/**
 * Who hears a write (DESIGN §5): turns one commit into the items every listener hears, in
 * delivery order — for each change, the changed descendants of a subtree write deepest first,
 * then the bubbling walk from the written path up to the root, deepest first, each level after
 * the deeper ones and not at all once one stopped bubbling; at one path in registration order; a
 * callback hears an emitting path once per commit. Then the controller's own item (observer,
 * effects). Owns the pattern index the {@link ListenerRegistry} fills. Routing runs under the
 * commit lock and runs no user code; the items it makes run listeners through {@link #invoke}.
 */
final class EventRouter {

	/** The controller events read and write through. */
	private final DefaultStateController controller;

	private final GuardedObserver guard;

	/** A copy of {@code guard.observed}, read on every commit. */
	private final boolean observed;

	private final EffectRunner effects;

	/** The effect runner's live list, held here so the per-commit check is one hop shorter. */
	private final List<EffectImpl> registeredEffects;

	private final PatternIndex<Callback> index = new PatternIndex<>();

	/** The controller's own per-commit work (observer, effects), in revision order like a listener. */
	private final Mailbox system = new Mailbox("statetree-controller", this::systemItem);

	/** Delivers a listener's event: one instance for every item, which carries its callback and event. */
	private final DeliveryItem.Task listenerTask = this::deliverEvent;

	EventRouter(DefaultStateController controller, GuardedObserver guard, EffectRunner effects) {
		this.controller = controller;
		this.guard = guard;
		this.observed = guard.observed;
		this.effects = effects;
		this.registeredEffects = effects.registered();
	}

	/** The subscriptions, by pattern; filled by the {@link ListenerRegistry}. */
	PatternIndex<Callback> index() {
		return this.index;
	}

	/**
	 * Tells whether anyone could hear a commit now. A commit nobody can hear is not queued; one
	 * who subscribes later never hears earlier commits anyway.
	 */
	boolean hasAudience() {
		return this.observed || !this.index.isEmpty() || !this.registeredEffects.isEmpty();
	}

	/**
	 * Routes one commit: the items every listener hears, in delivery order, then the
	 * controller's own item. Runs under the commit lock and runs no user code.
	 */
	List<DeliveryItem> route(CommitRecord record) {
		if (!this.observed && record.kind() != CommitRecord.Kind.RESYNC && this.effects.isEmpty()
				&& record.changes().size() == 1) {
			List<DeliveryItem> few = routeOneChange(record, record.changes().get(0));
			if (few != null) {
				return few;
			}
		}
		Delivery delivery = new Delivery(record, this.index);
		if (this.observed && record.kind() != CommitRecord.Kind.PING
				&& record.kind() != CommitRecord.Kind.RESYNC) {
			delivery.item(new DeliveryItem(this.system, record, (item) -> {
				this.guard.commit(record);
				return null;
			}, null, 0, null));
		}
		if (record.kind() == CommitRecord.Kind.RESYNC) {
			delivery.resync();
		}
		else {
			List<Change> changes = record.changes();
			for (int i = 0, n = changes.size(); i < n; i++) {
				delivery.change(changes.get(i));
			}
		}
		if (!this.effects.isEmpty()) {
			delivery.item(systemItem(record));
		}
		return delivery.items();
	}

	/**
	 * The common commit, routed without a {@link Delivery}: one change with no subtree to diff
	 * (neither value a map, or a ping), heard by at most one subscription on its bubbling walk, and
	 * no observer or effect to queue. Then the one item (no walk: one level), or none.
	 * @return the items, or null when the commit needs the full routing
	 */
	private @Nullable List<DeliveryItem> routeOneChange(CommitRecord record, Change change) {
		PatternIndex<Callback> index = this.index;
		if (index.isEmpty()) {
			return List.of();
		}
		if (record.kind() != CommitRecord.Kind.PING
				&& (change.oldValue() instanceof Map || change.newValue() instanceof Map)) {
			return null;
		}
		StatePath w = change.path();
		PatternIndex.Cursor<Callback>[] cursors = index.prefixCursors(w);
		PatternIndex.Entry<Callback> only = null;
		int at = -1;
		for (int i = w.depth(); i >= 0; i--) {
			PatternIndex.Cursor<Callback> cursor = cursors[i];
			if (cursor == null || cursor.isDead()) {
				continue;
			}
			List<PatternIndex.Entry<Callback>> matches = cursor.matches();
			int n = matches.size();
			if (n == 0) {
				continue;
			}
			if (only != null || n > 1) {
				return null; // two subscriptions (or one callback twice): the full routing decides
			}
			only = matches.get(0);
			at = i;
		}
		if (only == null) {
			return List.of();
		}
		Callback callback = only.value();
		Event event = new Event(this.controller, (at == w.depth()) ? w : w.prefix(at), w, change.oldValue(),
				change.newValue(), change.payload(), only.pattern(), record);
		return List.of(new DeliveryItem(callback.mailbox, record, this.listenerTask, callback, null, 0, event));
	}

	/**
	 * The controller's effects for one commit (or, for a resync record, for everything). The
	 * observer hears of the commit in an item of the same queue before the listeners.
	 */
	private DeliveryItem systemItem(CommitRecord record) {
		return new DeliveryItem(this.system, record, (item) -> {
			EffectJournal.Run outer = EffectJournal.suspend();
			try {
				return this.effects.runEffects(record);
			}
			finally {
				EffectJournal.resume(outer);
			}
		}, null, 0, null);
	}

	/** The item that replaces a listener's overflowed backlog: one resync event for {@code /}. */
	DeliveryItem resyncItem(Callback callback, CommitRecord record) {
		// a resync record has no actor, no cause and no expiry: the event reads it as it is
		Event event = new Event(this.controller, StatePath.ROOT, StatePath.ROOT, null, null, null, null, record);
		return new DeliveryItem(callback.mailbox, record, this.listenerTask, callback, null, 0, event);
	}

	/**
	 * Routes a commit read from the history to one watch's own subscription (DESIGN §11,
	 * {@code watch(pattern, afterRevision)}): the events that subscription would have heard, in
	 * order, by the same rules as a live commit. Runs no user code and delivers nothing.
	 * @param index an index holding the watch's one pattern
	 * @param record the commit, as a record with no payloads
	 * @return the events, in delivery order
	 */
	List<Event> replay(PatternIndex<Callback> index, CommitRecord record) {
		Delivery delivery = new Delivery(record, index);
		for (Change change : record.changes()) {
			delivery.change(change);
		}
		List<DeliveryItem> items = delivery.items();
		List<Event> events = new ArrayList<>(items.size());
		for (DeliveryItem item : items) {
			if (item.event != null) {
				events.add(item.event);
			}
		}
		return events;
	}

	/** The {@link #listenerTask}: an item made by {@link Delivery#add} or {@link #resyncItem}. */
	private @Nullable Throwable deliverEvent(DeliveryItem item) {
		return invoke(Objects.requireNonNull(item.callback), Objects.requireNonNull(item.event));
	}

	/**
	 * Calls one listener with one event, on the delivering thread, never under a lock of the
	 * controller, and outside any effect run: in synchronous mode an effect's first run drains
	 * the commits it makes on its own thread, and listeners must not read at its snapshot nor
	 * become its dependencies.
	 * @return what it threw, or null
	 */
	private @Nullable Throwable invoke(Callback callback, Event event) {
		EffectJournal.Run outer = EffectJournal.suspend();
		try {
			return invokeListener(callback, event);
		}
		finally {
			EffectJournal.resume(outer);
		}
	}

	private @Nullable Throwable invokeListener(Callback callback, Event event) {
		PathPattern pattern = event.pattern();
		if (pattern != null && !callback.patterns.contains(pattern)) {
			// unsubscribed after the commit was queued
			return null;
		}
		long start = this.guard.start();
		ControllerObserver.Scope scope = this.guard.listenerStarting(callback.id, event.path());
		Throwable error = null;
		try {
			callback.listener.onChange(event);
		}
		catch (VirtualMachineError fatal) {
			throw fatal;
		}
		catch (Throwable ex) {
			error = ex;
			this.guard.listenerFailed(callback, event, ex);
		}
		this.guard.listener(callback.id, event.path(), start, scope, error);
		return error;
	}

	/**
	 * Routes one commit into items. Only the caller's thread touches it.
	 */
	private final class Delivery {

		final CommitRecord record;

		/** The first item; the common commit (one listener hears it) makes no list. */
		private @Nullable DeliveryItem first;

		/** Every item in delivery order, from the second one on. */
		private @Nullable List<DeliveryItem> items;

		/** The subscriptions it routes to: the controller's, or one watch's own (a replay). */
		private final PatternIndex<Callback> index;

		/** The first callback that heard an emitting path in this commit, and that path (no list for one). */
		private @Nullable Callback firstHeard;

		private @Nullable StatePath firstHeardPath;

		/** Who else heard which emitting path in this commit: pairs, scanned (commits are small). */
		private @Nullable List<Object> heard;

		/** The same pairs in a set, once there are many. */
		private @Nullable Set<Heard> heardSet;

		Delivery(CommitRecord record, PatternIndex<Callback> index) {
			this.record = record;
			this.index = index;
		}

		void resync() {
			Set<Callback> seen = Collections.newSetFromMap(new IdentityHashMap<>());
			for (PatternIndex.Entry<Callback> entry : this.index.entries()) {
				if (seen.add(entry.value())) {
					add(entry.value(), new Event(EventRouter.this.controller, StatePath.ROOT, StatePath.ROOT, null, null,
							null, entry.pattern(), this.record), null, 0);
				}
			}
		}

		void change(Change change) {
			PatternIndex<Callback> index = this.index;
			if (index.isEmpty()) {
				return;
			}
			StatePath w = change.path();
			int depth = w.depth();
			PatternIndex.Cursor<Callback>[] cursors = cursors(index, w);
			// 2. changed descendants of a subtree write, deepest first
			PatternIndex.Cursor<Callback> last = cursors[depth];
			if (this.record.kind() != CommitRecord.Kind.PING && last != null && !last.isDead()
					&& (change.oldValue() instanceof Map || change.newValue() instanceof Map)) {
				List<Pending> pending = new ArrayList<>();
				diff(last, w, change.oldValue(), change.newValue(), pending);
				if (!pending.isEmpty()) {
					pending.sort((a, b) -> Integer.compare(b.path.depth(), a.path.depth()));
					for (Pending p : pending) {
						for (PatternIndex.Entry<Callback> entry : p.matches) {
							if (firstHearing(entry.value(), p.path)) {
								add(entry.value(), new Event(EventRouter.this.controller, p.path, p.path, p.oldValue,
										p.newValue, change.payload(), entry.pattern(), this.record), null, 0);
							}
						}
					}
				}
			}
			// 1. bubbling from w up to the root, deepest first; a level runs after the deeper ones
			// finished, and not at all when one of them stopped bubbling
			// the first match is kept in locals: a write one listener hears (the common case)
			// allocates no lists; from the second match on, the lists hold every match in order
			Callback firstCallback = null;
			Event firstEvent = null;
			List<Callback> callbacks = null;
			List<Event> events = null;
			int[] levels = null;
			int level = -1;
			for (int i = depth; i >= 0; i--) {
				PatternIndex.Cursor<Callback> cursor = cursors[i];
				if (cursor == null || cursor.isDead()) {
					continue;
				}
				List<PatternIndex.Entry<Callback>> matches = cursor.matches();
				if (matches.isEmpty()) {
					continue;
				}
				StatePath at = (i == depth) ? w : w.prefix(i);
				boolean any = false;
				for (PatternIndex.Entry<Callback> entry : matches) {
					if (firstHearing(entry.value(), w)) {
						if (!any) {
							any = true;
							level++;
						}
						Event event = new Event(EventRouter.this.controller, at, w, change.oldValue(), change.newValue(),
								change.payload(), entry.pattern(), this.record);
						if (firstCallback == null) {
							firstCallback = entry.value();
							firstEvent = event;
							continue;
						}
						if (callbacks == null) {
							callbacks = new ArrayList<>(4);
							events = new ArrayList<>(4);
							levels = new int[4];
							callbacks.add(firstCallback);
							events.add(firstEvent);
							// levels[0] stays 0: the first match is on the first level that matched
						}
						int k = callbacks.size();
						if (k == levels.length) {
							levels = Arrays.copyOf(levels, k * 2);
						}
						levels[k] = level;
						callbacks.add(entry.value());
						events.add(event);
					}
				}
			}
			if (firstCallback == null || firstEvent == null) {
				return;
			}
			if (callbacks == null || events == null || levels == null) {
				// one listener, on one level: no bubbling walk to coordinate
				add(firstCallback, firstEvent, null, 0);
				return;
			}
			BubblingWalk walk = null;
			if (level > 0) {
				int[] remaining = new int[level + 1];
				for (int k = 0; k < callbacks.size(); k++) {
					remaining[levels[k]]++;
				}
				walk = new BubblingWalk(remaining);
			}
			for (int k = 0; k < callbacks.size(); k++) {
				add(callbacks.get(k), events.get(k), walk, levels[k]);
			}
		}

		private void add(Callback callback, Event event, @Nullable BubblingWalk walk, int level) {
			item(new DeliveryItem(callback.mailbox, this.record, EventRouter.this.listenerTask, callback, walk, level,
					event));
		}

		/** Adds an item in delivery order. */
		void item(DeliveryItem item) {
			if (this.first == null) {
				this.first = item;
				return;
			}
			List<DeliveryItem> all = this.items;
			if (all == null) {
				all = new ArrayList<>(4);
				all.add(this.first);
				this.items = all;
			}
			all.add(item);
		}

		/** The items in delivery order. */
		List<DeliveryItem> items() {
			List<DeliveryItem> all = this.items;
			if (all != null) {
				return all;
			}
			DeliveryItem only = this.first;
			return (only != null) ? List.of(only) : List.of();
		}

		private boolean firstHearing(Callback callback, StatePath emittingPath) {
			Set<Heard> set = this.heardSet;
			if (set != null) {
				return set.add(new Heard(callback, emittingPath));
			}
			Callback one = this.firstHeard;
			if (one == null) {
				this.firstHeard = callback;
				this.firstHeardPath = emittingPath;
				return true;
			}
			if (one == callback && emittingPath.equals(this.firstHeardPath)) {
				return false;
			}
			List<Object> pairs = this.heard;
			if (pairs == null) {
				pairs = new ArrayList<>(8);
				this.heard = pairs;
			}
			for (int i = 0; i < pairs.size(); i += 2) {
				if (pairs.get(i) == callback && pairs.get(i + 1).equals(emittingPath)) {
					return false;
				}
			}
			pairs.add(callback);
			pairs.add(emittingPath);
			if (pairs.size() > 32) {
				set = new HashSet<>();
				set.add(new Heard(one, Objects.requireNonNull(this.firstHeardPath)));
				for (int i = 0; i < pairs.size(); i += 2) {
					set.add(new Heard((Callback) pairs.get(i), (StatePath) pairs.get(i + 1)));
				}
				this.heardSet = set;
			}
			return true;
		}

		/**
		 * The cursors after each prefix of the path; never written: a path routed again on the same
		 * trie gets the same array ({@link PatternIndex#prefixCursors}).
		 */
		private PatternIndex.Cursor<Callback>[] cursors(PatternIndex<Callback> index, StatePath w) {
			return index.prefixCursors(w);
		}

		private void diff(PatternIndex.Cursor<Callback> cursor, StatePath path, @Nullable Object oldValue,
				@Nullable Object newValue, List<Pending> out) {
			Map<?, ?> oldMap = (oldValue instanceof Map<?, ?> m) ? m : null;
			Map<?, ?> newMap = (newValue instanceof Map<?, ?> m) ? m : null;
			if (oldMap != null) {
				for (Map.Entry<?, ?> entry : oldMap.entrySet()) {
					String key = (String) entry.getKey();
					Object o = entry.getValue();
					Object n = (newMap != null) ? newMap.get(key) : null;
					child(cursor, path, key, o, n, out);
				}
			}
			if (newMap != null) {
				for (Map.Entry<?, ?> entry : newMap.entrySet()) {
					String key = (String) entry.getKey();
					if (oldMap == null || !oldMap.containsKey(key)) {
						child(cursor, path, key, null, entry.getValue(), out);
					}
				}
			}
		}

		private void child(PatternIndex.Cursor<Callback> cursor, StatePath path, String key, @Nullable Object o,
				@Nullable Object n, List<Pending> out) {
			if (o == n) {
				return;
			}
			PatternIndex.Cursor<Callback> next = cursor.advance(key);
			if (next.isDead()) {
				return;
			}
			StatePath childPath = path.child(key);
			List<PatternIndex.Entry<Callback>> matches = next.matches();
			if (!matches.isEmpty() && !StateValues.equal(o, n)) {
				out.add(new Pending(childPath, o, n, matches));
			}
			if (o instanceof Map || n instanceof Map) {
				diff(next, childPath, o, n, out);
			}
		}

	}

	/** A callback and an emitting path it heard (callbacks compare by identity). */
	private record Heard(Callback callback, StatePath path) {

		@Override
		public boolean equals(@Nullable Object other) {
			return (other instanceof Heard h) && h.callback == this.callback && h.path.equals(this.path);
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.callback) * 31 + this.path.hashCode();
		}

	}

	/** A changed descendant of a subtree write and the subscriptions that match it. */
	private record Pending(StatePath path, @Nullable Object oldValue, @Nullable Object newValue,
			List<PatternIndex.Entry<Callback>> matches) {
	}

}
