package io.statetree.core;

import org.jspecify.annotations.Nullable;

/**
 * A read-only view of the state. Inside {@link StateController#track} and tracked derivations,
 * every read through the view is recorded as a dependency.
 * <p>
 * Every read takes the path as a {@link StatePath}; the {@code String} overloads are default
 * methods that parse the path with {@link StatePath#of} (throwing {@link InvalidPathException}
 * for an invalid one) and call them, so an implementation implements the {@code StatePath} ones.
 */
public interface StateView {

	/**
	 * Reads a value.
	 * @param path the path
	 * @return the immutable value, or {@code null} when absent
	 */
	default @Nullable Object get(String path) {
		return get(StatePath.of(path));
	}

	/**
	 * Reads a value.
	 * @param path the path
	 * @return the immutable value, or {@code null} when absent
	 */
	@Nullable Object get(StatePath path);

	/**
	 * Reads a value converted to a type.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 */
	default <T> @Nullable T get(String path, Class<T> type) {
		return get(StatePath.of(path), type);
	}

	/**
	 * Reads a value converted to a type.
	 * @param path the path
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 */
	<T> @Nullable T get(StatePath path, Class<T> type);

	/**
	 * Reads a value converted to a generic type.
	 * @param path the path
	 * @param type the type token
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 */
	default <T> @Nullable T get(String path, TypeRef<T> type) {
		return get(StatePath.of(path), type);
	}

	/**
	 * Reads a value converted to a generic type.
	 * @param path the path
	 * @param type the type token
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 */
	<T> @Nullable T get(StatePath path, TypeRef<T> type);

	/**
	 * Tells whether a value exists.
	 * @param path the path
	 * @return {@code true} when present
	 */
	default boolean exists(String path) {
		return exists(StatePath.of(path));
	}

	/**
	 * Tells whether a value exists.
	 * @param path the path
	 * @return {@code true} when present
	 */
	boolean exists(StatePath path);

}
