package io.statetree.core;

import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Options for one subscription (DESIGN §13). The default delivers every event to the listener on
 * this instance, like {@link StateController#subscribe(String, StateListener)}. With
 * {@link #group(String)} the listener becomes a member of a durable group listener: each event is
 * handled by exactly one member of the group among all instances sharing the backend, retried
 * with back-off when the listener throws, parked as a {@link DeadLetter} after the last attempt,
 * and handled one at a time per key, in revision order.
 * <p>
 * Immutable and thread-safe.
 */
public final class SubscribeOptions {

	/** Letters, digits, {@code .}, {@code _} and {@code -}: what goes into a Redis key as is. */
	private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]+");

	/** The longest group name. */
	static final int MAX_GROUP_LENGTH = 100;

	private static final SubscribeOptions DEFAULTS = new SubscribeOptions(null);

	private final @Nullable String group;

	private SubscribeOptions(@Nullable String group) {
		this.group = group;
	}

	/**
	 * Returns the defaults: an ordinary listener, hearing every event on this instance.
	 * @return the default options
	 */
	public static SubscribeOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns options making the listener a member of a durable group listener.
	 * @param name the group's name: 1 to 100 letters, digits, {@code .}, {@code _} or {@code -},
	 * not dots only
	 * @return the options
	 * @throws IllegalArgumentException naming the name and the reason when it is empty, too long,
	 * holds another character or is made of dots only ({@code .}, {@code ..})
	 */
	public static SubscribeOptions group(String name) {
		Objects.requireNonNull(name, "group");
		if (name.isEmpty()) {
			throw new IllegalArgumentException("A group name must not be empty");
		}
		if (name.length() > MAX_GROUP_LENGTH) {
			throw new IllegalArgumentException("Group name '" + name.substring(0, 20) + "...' is " + name.length()
					+ " characters long; at most " + MAX_GROUP_LENGTH + " are allowed");
		}
		if (!GROUP_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Group name '" + name
					+ "' may hold only letters, digits, '.', '_' and '-' (it becomes part of a storage key)");
		}
		if (name.chars().allMatch((c) -> c == '.')) {
			throw new IllegalArgumentException("Group name '" + name
					+ "' is made of dots only, which reads as a relative path in URLs and file names");
		}
		return new SubscribeOptions(name);
	}

	/**
	 * Returns the group this subscription is a member of.
	 * @return the group's name, or {@code null} for an ordinary listener
	 */
	public @Nullable String group() {
		return this.group;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof SubscribeOptions that && Objects.equals(this.group, that.group);
	}

	@Override
	public int hashCode() {
		return Objects.hashCode(this.group);
	}

	@Override
	public String toString() {
		return (this.group != null) ? "SubscribeOptions[group=" + this.group + "]" : "SubscribeOptions[]";
	}

}
