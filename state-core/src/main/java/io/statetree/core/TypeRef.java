package io.statetree.core;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A super-type token for typed reads of generic types:
 * {@code controller.get("/users", new TypeRef<Map<String, User>>() {})}.
 *
 * @param <T> the type to read
 */
public abstract class TypeRef<T> {

	private final Type type;

	/**
	 * Captures the type argument of the anonymous subclass.
	 * @throws IllegalStateException if created without a type argument
	 */
	protected TypeRef() {
		Type superclass = getClass().getGenericSuperclass();
		if (!(superclass instanceof ParameterizedType parameterized)) {
			throw new IllegalStateException("TypeRef must be created with a type argument, e.g. new TypeRef<List<String>>() {}");
		}
		this.type = parameterized.getActualTypeArguments()[0];
	}

	private TypeRef(Type type) {
		this.type = type;
	}

	/**
	 * Creates a token for a type known at run time.
	 * @param type the type
	 * @param <T> the type
	 * @return the token
	 */
	public static <T> TypeRef<T> of(Type type) {
		return new TypeRef<T>(type) {
		};
	}

	/**
	 * Returns the captured type.
	 * @return the type
	 */
	public Type getType() {
		return this.type;
	}

	@Override
	public String toString() {
		return this.type.getTypeName();
	}

}
