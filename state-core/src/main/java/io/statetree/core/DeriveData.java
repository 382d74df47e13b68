package io.statetree.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The current values of a multi-source derivation's sources, as passed to
 * {@link StateController#deriveMany}.
 */
public interface DeriveData {

	/**
	 * Returns a source's value.
	 * @param path one of the derivation's sources
	 * @return its immutable value, or {@code null} when absent
	 * @throws IllegalArgumentException if the path is not a source
	 */
	@Nullable Object get(String path);

	/**
	 * Returns a source's value converted to a type.
	 * @param path one of the derivation's sources
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 */
	<T> @Nullable T get(String path, Class<T> type);

	/**
	 * Returns a source's value converted to a generic type.
	 * @param path one of the derivation's sources
	 * @param type the type token
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 */
	<T> @Nullable T get(String path, TypeRef<T> type);

	/**
	 * Returns the sources, in registration order.
	 * @return the source paths
	 */
	List<StatePath> sources();

}
