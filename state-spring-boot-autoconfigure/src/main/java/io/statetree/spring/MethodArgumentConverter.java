package io.statetree.spring;

import java.lang.reflect.Type;

import io.statetree.core.DeriveData;
import io.statetree.core.StateEvent;
import io.statetree.core.StatePath;
import io.statetree.core.TypeRef;
import org.jspecify.annotations.Nullable;

/**
 * Binds StateTree's immutable values to the (generic) type of a bean method's parameter: the new
 * and old values of {@code @OnStateChange} methods and the sources of {@code @Derived} methods
 * (DESIGN §9). The conversion itself is the controller's typed read ({@link StateEvent#newValue(TypeRef)},
 * {@link DeriveData#get(StatePath, TypeRef)}), so a bean method binds exactly what a typed read
 * returns, with the controller's {@code JsonMapper}, and a value that does not convert fails
 * with the same {@code StateValueException} (naming the path and the type, never the value).
 * Immutable, thread-safe.
 */
final class MethodArgumentConverter {

	/**
	 * Prepares the binding of values to a type.
	 * @param type the (generic) parameter type
	 * @return the binding
	 */
	Conversion to(Type type) {
		return new Conversion(type);
	}

	/**
	 * The binding of values to one parameter type.
	 */
	static final class Conversion {

		private final Type type;

		private final TypeRef<?> typeRef;

		private final boolean primitive;

		private Conversion(Type type) {
			this.type = type;
			this.typeRef = TypeRef.of(type);
			this.primitive = (type instanceof Class<?> cls) && cls.isPrimitive();
		}

		/**
		 * The new value of an event, converted.
		 * @param event the event
		 * @return the converted value, {@code null} for an absent one
		 * @throws io.statetree.core.StateValueException if the value cannot be converted
		 * @throws IllegalArgumentException if the value is absent and the type is primitive
		 */
		@Nullable Object newValue(StateEvent event) {
			Object value = event.newValue();
			return (value == null || this.type == Object.class) ? absentOr(value, event.emittingPath())
					: event.newValue(this.typeRef);
		}

		/**
		 * The old value of an event, converted.
		 * @param event the event
		 * @return the converted value, {@code null} for an absent one
		 * @throws io.statetree.core.StateValueException if the value cannot be converted
		 * @throws IllegalArgumentException if the value is absent and the type is primitive
		 */
		@Nullable Object prevValue(StateEvent event) {
			Object value = event.prevValue();
			return (value == null || this.type == Object.class) ? absentOr(value, event.emittingPath())
					: event.prevValue(this.typeRef);
		}

		/**
		 * A derivation's source, converted.
		 * @param data what the derivation reads
		 * @param source the source path
		 * @return the converted value, {@code null} for an absent one
		 * @throws io.statetree.core.StateValueException if the value cannot be converted
		 * @throws IllegalArgumentException if the value is absent and the type is primitive
		 */
		@Nullable Object source(DeriveData data, StatePath source) {
			Object value = data.get(source);
			return (value == null || this.type == Object.class) ? absentOr(value, source) : data.get(source, this.typeRef);
		}

		private @Nullable Object absentOr(@Nullable Object value, StatePath path) {
			if (value == null && this.primitive) {
				throw new IllegalArgumentException("The value at " + path + " is absent and cannot be bound to "
						+ this.type.getTypeName() + "; use a wrapper type to receive null");
			}
			return value;
		}

	}

}
