package io.statetree.spring;

import java.lang.reflect.Type;
import java.util.function.Supplier;

import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts StateTree's immutable values to the (generic) type of a bean method's parameter with the
 * application's {@link JsonMapper}: the new and old values of {@code @OnStateChange} methods and the
 * sources of {@code @Derived} methods (DESIGN §9). Not to be confused with the controller's own
 * typed reads ({@code io.statetree.core.internal.ValueConverter}).
 */
final class MethodArgumentConverter {

	private final Supplier<JsonMapper> jsonMapper;

	/**
	 * Creates a converter.
	 * @param jsonMapper supplies the mapper, on first use
	 */
	MethodArgumentConverter(Supplier<JsonMapper> jsonMapper) {
		this.jsonMapper = SingletonSupplier.of(jsonMapper);
	}

	/**
	 * Prepares the conversion to a type.
	 * @param type the (generic) type
	 * @return the conversion
	 */
	Conversion to(Type type) {
		return new Conversion(type);
	}

	/**
	 * The conversion of values to one type.
	 */
	final class Conversion {

		private final Type type;

		private final boolean primitive;

		private volatile @Nullable JavaType javaType;

		private Conversion(Type type) {
			this.type = type;
			this.primitive = (type instanceof Class<?> cls) && cls.isPrimitive();
		}

		/**
		 * Converts a value.
		 * @param value the immutable value, or {@code null}
		 * @param path where the value was read, for messages
		 * @return the converted value, {@code null} for {@code null}
		 * @throws io.statetree.core.StateValueException if the value cannot be converted (the
		 * message names the path and the type, never the value)
		 * @throws IllegalArgumentException if the value is {@code null} and the type is primitive
		 */
		@Nullable Object convert(@Nullable Object value, StatePath path) {
			if (value == null) {
				if (this.primitive) {
					throw new IllegalArgumentException("The value at " + path + " is absent and cannot be bound to "
							+ this.type.getTypeName() + "; use a wrapper type to receive null");
				}
				return null;
			}
			if (this.type == Object.class) {
				return value;
			}
			JsonMapper mapper = MethodArgumentConverter.this.jsonMapper.get();
			JavaType target = this.javaType;
			if (target == null) {
				target = mapper.constructType(this.type);
				this.javaType = target;
			}
			try {
				return mapper.convertValue(value, target);
			}
			catch (JacksonException | IllegalArgumentException ex) {
				// never quote the value (Jackson's message does): state may hold secrets
				throw io.statetree.core.internal.ValueConverter.unreadable(path, this.type.getTypeName(), ex);
			}
		}

	}

}
