package io.statetree.core;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One change, as heard by one listener.
 * <p>
 * {@link #path()} is the concrete path the listener was notified for (on a bubbling walk, the
 * deepest path its pattern matched); {@link #emittingPath()} is where the change happened, and the
 * values are the values there. Events are immutable apart from {@link #stopBubbling()}.
 * <p>
 * The {@code String} overloads of {@code get} and {@code set} are default methods that parse the
 * path with {@link StatePath#of} and call the {@link StatePath} ones.
 */
public interface StateEvent {

	/**
	 * Returns the concrete path this listener was notified for.
	 * @return the notified path
	 */
	StatePath path();

	/**
	 * Returns the path whose value changed.
	 * @return the emitting path
	 */
	StatePath emittingPath();

	/**
	 * Returns the value at {@link #emittingPath()} before the commit.
	 * @return the immutable old value, or {@code null} when it was absent
	 */
	@Nullable Object prevValue();

	/**
	 * Returns the value at {@link #emittingPath()} after the commit.
	 * @return the immutable new value, or {@code null} when it was deleted
	 */
	@Nullable Object newValue();

	/**
	 * Returns the old value converted to a type.
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 */
	<T> @Nullable T prevValue(Class<T> type);

	/**
	 * Returns the new value converted to a type.
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 */
	<T> @Nullable T newValue(Class<T> type);

	/**
	 * Returns the old value converted to a generic type, with the controller's {@code JsonMapper}.
	 * @param type the type, e.g. {@code new TypeRef<List<User>>() {}}
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 * @throws StateValueException if the value does not convert (the message names the path and
	 * the type, never the value)
	 */
	<T> @Nullable T prevValue(TypeRef<T> type);

	/**
	 * Returns the new value converted to a generic type, with the controller's {@code JsonMapper}.
	 * @param type the type, e.g. {@code new TypeRef<List<User>>() {}}
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 * @throws StateValueException if the value does not convert (the message names the path and
	 * the type, never the value)
	 */
	<T> @Nullable T newValue(TypeRef<T> type);

	/**
	 * Returns the payload given with the write ({@link WriteOptions#payload}) or the ping.
	 * @return the payload, or {@code null}
	 */
	@Nullable Object payload();

	/**
	 * Returns the variables captured by the listener's pattern at {@link #path()}.
	 * @return the variables by name; empty when the pattern has none
	 */
	Map<String, String> pathVariables();

	/**
	 * Returns the revision of the commit that made the change.
	 * @return the revision
	 */
	long revision();

	/**
	 * Returns the id of the instance that made the change.
	 * @return the origin instance id
	 */
	String origin();

	/**
	 * Returns who made the change ({@link WriteOptions#actor(String)}; in Spring Boot the
	 * authenticated principal's name by default).
	 * @return the actor, or {@code null} when unknown
	 */
	@Nullable String actor();

	/**
	 * Returns the revision of the commit whose listener or effect made this commit, so a cascade
	 * can be traced.
	 * @return that revision, or {@code 0} when a caller outside any listener wrote
	 */
	long causedBy();

	/**
	 * Tells whether the change is a ping: nothing was written.
	 * @return {@code true} for a ping
	 */
	boolean isPing();

	/**
	 * Tells whether the change is an expiry (DESIGN §12): the value was deleted because its time to
	 * live ran out ({@link WriteOptions#ttl(java.time.Duration)}) or because the instance that
	 * wrote it as {@linkplain WriteOptions#ephemeral() ephemeral} closed, stopped renewing its lease
	 * (Redis) or crashed (filesystem, found at the next open). Its new value is {@code null}, its
	 * actor {@code null}, its origin the instance that made the expiry commit.
	 * @return {@code true} for an expiry
	 */
	boolean isExpiry();

	/**
	 * Tells whether this event stands for a resynchronisation: what it covers should be
	 * considered changed, and events before it may be missing. There are two kinds:
	 * <ul>
	 * <li>From an overflow or a lost feed: the change feed lost track of changes made elsewhere,
	 * or this listener fell more than {@code statetree.listeners.queue-capacity} events behind and
	 * its queued events were replaced by this one. Its path is {@code /} and its values are
	 * {@code null}; re-read what the listener needs.</li>
	 * <li>From {@link StateController#watch(String, long)}, when the history no longer reaches
	 * back to the revision asked for: its path is the pattern's longest concrete prefix (its
	 * segments before the first wildcard or variable; {@code /users} for {@code /users/*}), its
	 * new value is the value there now (its old value {@code null}), and its revision is the
	 * revision of that value; live events after that revision follow.</li>
	 * </ul>
	 * @return {@code true} for a resync event
	 */
	boolean isResync();

	/**
	 * Stops the bubbling walk: listeners matched at paths higher up hear nothing of this change.
	 * Listeners at the current path still run.
	 */
	void stopBubbling();

	/**
	 * Reads through the controller. Inside {@link StateController#track}, the read is recorded.
	 * @param path the path
	 * @return the immutable value, or {@code null}
	 */
	default @Nullable Object get(String path) {
		return get(StatePath.of(path));
	}

	/**
	 * Reads through the controller. Inside {@link StateController#track}, the read is recorded.
	 * @param path the path
	 * @return the immutable value, or {@code null}
	 */
	@Nullable Object get(StatePath path);

	/**
	 * Reads through the controller, converted to a type.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 */
	default <T> @Nullable T get(String path, Class<T> type) {
		return get(StatePath.of(path), type);
	}

	/**
	 * Reads through the controller, converted to a type.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 */
	<T> @Nullable T get(StatePath path, Class<T> type);

	/**
	 * Writes through the controller. The write is a new commit, delivered after the current
	 * dispatch finishes.
	 * @param path the path
	 * @param value the value; {@code null} deletes
	 * @return whether the state changed
	 */
	default boolean set(String path, @Nullable Object value) {
		return set(StatePath.of(path), value);
	}

	/**
	 * Writes through the controller. The write is a new commit, delivered after the current
	 * dispatch finishes.
	 * @param path the path
	 * @param value the value; {@code null} deletes
	 * @return whether the state changed
	 */
	boolean set(StatePath path, @Nullable Object value);

	/**
	 * Returns the controller that delivered this event.
	 * @return the controller
	 */
	StateController controller();

}
