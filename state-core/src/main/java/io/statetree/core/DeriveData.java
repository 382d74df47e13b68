package io.statetree.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The current values of a multi-source derivation's sources, as passed to
 * {@link StateController#deriveMany}. The {@code String} overloads are default methods that parse
 * the path with {@link StatePath#of} and call the {@link StatePath} ones.
 */
public interface DeriveData {

	/**
	 * Returns a source's value.
	 * @param path one of the derivation's sources
	 * @return its immutable value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	default @Nullable Object get(String path) {
		return get(StatePath.of(path));
	}

	/**
	 * Returns a source's value.
	 * @param path one of the derivation's sources
	 * @return its immutable value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	@Nullable Object get(StatePath path);

	/**
	 * Returns a source's value converted to a type.
	 * @param path one of the derivation's sources
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	default <T> @Nullable T get(String path, Class<T> type) {
		return get(StatePath.of(path), type);
	}

	/**
	 * Returns a source's value converted to a type.
	 * @param path one of the derivation's sources
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	<T> @Nullable T get(StatePath path, Class<T> type);

	/**
	 * Returns a source's value converted to a generic type.
	 * @param path one of the derivation's sources
	 * @param type the type token
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	default <T> @Nullable T get(String path, TypeRef<T> type) {
		return get(StatePath.of(path), type);
	}

	/**
	 * Returns a source's value converted to a generic type.
	 * @param path one of the derivation's sources
	 * @param type the type token
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	<T> @Nullable T get(StatePath path, TypeRef<T> type);

	/**
	 * Returns the sources, in registration order.
	 * @return the source paths
	 */
	List<StatePath> sources();

}
