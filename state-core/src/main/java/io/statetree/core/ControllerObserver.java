package io.statetree.core;

import java.time.Duration;
import java.util.List;

import io.statetree.core.backend.Change;
import org.jspecify.annotations.Nullable;

/**
 * Observes what a controller does, for metrics and audit. Every method has an empty default and
 * must return quickly; an observer that throws is logged and otherwise ignored.
 */
public interface ControllerObserver {

	/**
	 * An observed call in progress, opened by {@link #listenerStarting} or
	 * {@link #derivationStarting} on the thread that makes the call, just before it, and closed
	 * once on that thread just after it (before {@link #onListener} / {@link #onDerivation}).
	 * Lets an observer wrap the call, for example in a Micrometer {@code Observation} whose scope
	 * the listener's own code sees.
	 */
	@FunctionalInterface
	interface Scope {

		/** A scope that does nothing. */
		Scope NONE = (error) -> {
		};

		/**
		 * Ends the call's scope.
		 * @param error what the call threw (as the observer may see it: redacted for effects), or
		 * {@code null}
		 */
		void close(@Nullable Throwable error);

	}

	/** An observer that does nothing. */
	ControllerObserver NONE = new ControllerObserver() {
	};

	/**
	 * Combines observers: each call goes to every one of them, in order; one that throws does
	 * not keep the others from being called.
	 * @param observers the observers
	 * @return {@link #NONE} for none, the observer itself for one, else a composite
	 */
	static ControllerObserver composite(List<ControllerObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		List<ControllerObserver> all = List.copyOf(observers);
		return new ControllerObserver() {

			private void each(java.util.function.Consumer<ControllerObserver> call) {
				RuntimeException first = null;
				for (ControllerObserver observer : all) {
					try {
						call.accept(observer);
					}
					catch (RuntimeException ex) {
						if (first == null) {
							first = ex;
						}
					}
				}
				if (first != null) {
					throw first;
				}
			}

			private Scope scopes(java.util.function.Function<ControllerObserver, Scope> open) {
				List<Scope> opened = new java.util.ArrayList<>(all.size());
				RuntimeException first = null;
				for (ControllerObserver observer : all) {
					try {
						opened.add(open.apply(observer));
					}
					catch (RuntimeException ex) {
						if (first == null) {
							first = ex;
						}
					}
				}
				Scope combined = (error) -> {
					RuntimeException failure = null;
					for (int i = opened.size() - 1; i >= 0; i--) {
						try {
							opened.get(i).close(error);
						}
						catch (RuntimeException ex) {
							if (failure == null) {
								failure = ex;
							}
						}
					}
					if (failure != null) {
						throw failure;
					}
				};
				if (first != null) {
					combined.close(first);
					throw first;
				}
				return combined;
			}

			@Override
			public Scope listenerStarting(String listenerId, StatePath path) {
				return scopes((o) -> o.listenerStarting(listenerId, path));
			}

			@Override
			public Scope derivationStarting(StatePath destination) {
				return scopes((o) -> o.derivationStarting(destination));
			}

			@Override
			public void onCommit(long revision, String origin, List<Change> changes) {
				each((o) -> o.onCommit(revision, origin, changes));
			}

			@Override
			public void onRead(StatePath path) {
				each((o) -> o.onRead(path));
			}

			@Override
			public void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
				each((o) -> o.onListener(listenerId, path, duration, error));
			}

			@Override
			public void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
				each((o) -> o.onDerivation(destination, duration, error));
			}

			@Override
			public void onListenerOverflow(String listenerId, int dropped) {
				each((o) -> o.onListenerOverflow(listenerId, dropped));
			}

			@Override
			public void onGroupHandled(String group, StatePath path, Duration duration) {
				each((o) -> o.onGroupHandled(group, path, duration));
			}

			@Override
			public void onGroupRetried(String group, StatePath path, Throwable error) {
				each((o) -> o.onGroupRetried(group, path, error));
			}

			@Override
			public void onGroupDeadLettered(String group, StatePath path) {
				each((o) -> o.onGroupDeadLettered(group, path));
			}

			@Override
			public void onGroupClaimed(String group, int partition) {
				each((o) -> o.onGroupClaimed(group, partition));
			}

			@Override
			public void onGroupLateAcknowledgement(String group, int partition) {
				each((o) -> o.onGroupLateAcknowledgement(group, partition));
			}

		};
	}

	/**
	 * A listener or an effect is about to run, on the thread that runs it.
	 * @param listenerId the listener's id
	 * @param path the event's path
	 * @return the scope to close when it has run; {@link Scope#NONE} by default
	 */
	default Scope listenerStarting(String listenerId, StatePath path) {
		return Scope.NONE;
	}

	/**
	 * A derivation is about to compute its value, on the committing thread.
	 * @param destination where its value is written
	 * @return the scope to close when it has run; {@link Scope#NONE} by default
	 */
	default Scope derivationStarting(StatePath destination) {
		return Scope.NONE;
	}

	/**
	 * A commit was made (locally or, for shared backends, by another instance).
	 * @param revision its revision
	 * @param origin the instance that made it
	 * @param changes the changed paths with old and new values
	 */
	default void onCommit(long revision, String origin, List<Change> changes) {
	}

	/**
	 * A read was served.
	 * @param path the path read
	 */
	default void onRead(StatePath path) {
	}

	/**
	 * A listener ran.
	 * @param listenerId its id
	 * @param path the notified path
	 * @param duration how long it took
	 * @param error what it threw, or {@code null}; for a tracked effect a copy whose messages
	 * never quote state values, as for {@link #onDerivation}
	 */
	default void onListener(String listenerId, StatePath path, Duration duration, @Nullable Throwable error) {
	}

	/**
	 * A derivation ran.
	 * @param destination its destination
	 * @param duration how long it took
	 * @param error what it threw, or {@code null}; a copy with the same classes and stack traces
	 * whose messages never quote state values (only StateTree's own messages are kept)
	 */
	default void onDerivation(StatePath destination, Duration duration, @Nullable Throwable error) {
	}

	/**
	 * A listener's queue overflowed: it stayed full for longer than the offer timeout, so its
	 * queued events were dropped and replaced by one resync event ({@link StateEvent#isResync()}).
	 * Called on the writing thread that found the queue full.
	 * @param listenerId the listener's id
	 * @param dropped how many queued events were replaced
	 */
	default void onListenerOverflow(String listenerId, int dropped) {
	}


	/**
	 * A member of a durable group listener handled an event (DESIGN §13): the listener returned.
	 * @param group the group
	 * @param path the event's path
	 * @param duration how long the listener ran
	 */
	default void onGroupHandled(String group, StatePath path, Duration duration) {
	}

	/**
	 * A group listener threw and its event will be tried again after a back-off.
	 * @param group the group
	 * @param path the event's path
	 * @param error what the listener threw
	 */
	default void onGroupRetried(String group, StatePath path, Throwable error) {
	}

	/**
	 * A group listener threw on its last attempt: the event was parked as a dead letter.
	 * @param group the group
	 * @param path the event's path
	 */
	default void onGroupDeadLettered(String group, StatePath path) {
	}

	/**
	 * This instance took a partition of a group that another member held or left (its pending
	 * events are handled here from the partition's acknowledged revision on).
	 * @param group the group
	 * @param partition the partition
	 */
	default void onGroupClaimed(String group, int partition) {
	}

	/**
	 * A listener returned after its claim had lapsed and another member had taken the partition:
	 * the acknowledgement was ignored (the event is handled again there).
	 * @param group the group
	 * @param partition the partition
	 */
	default void onGroupLateAcknowledgement(String group, int partition) {
	}

}
