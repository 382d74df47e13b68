package io.statetree.core.internal;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import io.statetree.core.TypeRef;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts between application objects and the immutable model with the application's
 * {@link JsonMapper}. Never enables default typing: the target type is always the one the caller
 * asked for.
 */
final class ValueConverter {

	/** The application's mapper, or {@code null} until the default one is first needed. */
	private volatile @Nullable JsonMapper mapper;

	/**
	 * Types that are not data: Jackson would serialise their getters, but storing a thread, a
	 * class loader or a stream as state is always a mistake, so writing one fails.
	 */
	private static final List<Class<?>> NOT_DATA = List.of(Thread.class, ThreadGroup.class, ClassLoader.class,
			java.io.InputStream.class, java.io.OutputStream.class, java.io.Reader.class, java.io.Writer.class,
			java.util.concurrent.Executor.class, java.util.concurrent.Future.class,
			java.util.concurrent.locks.Lock.class);

	/**
	 * The application's mapper, strict about beans without properties (storing one as
	 * <code>{}</code> would hide a mistake) and refusing {@link #NOT_DATA} types.
	 */
	private volatile @Nullable JsonMapper writeMapper;

	/**
	 * Creates a converter.
	 * @param mapper the mapper, or {@code null} for a plain {@link JsonMapper} built on first use
	 * (building one loads several hundred Jackson classes: a controller that is only created at
	 * start-up, and not used yet, should not pay for them)
	 */
	public ValueConverter(@Nullable JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** Built on first use: most writes are plain values that never need it, and start-up stays cheap. */
	private JsonMapper writeMapper() {
		JsonMapper result = this.writeMapper;
		if (result == null) {
			result = StrictMapper.of(mapper());
			this.writeMapper = result;
		}
		return result;
	}

	/**
	 * Returns the mapper.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		JsonMapper result = this.mapper;
		if (result == null) {
			synchronized (this) {
				result = this.mapper;
				if (result == null) {
					result = JsonMapper.builder().build();
					this.mapper = result;
				}
			}
		}
		return result;
	}

	/**
	 * Converts an application value to the model: the one place where a written value is
	 * checked against the model's rules (see
	 * {@link StateValues#fromJava(StatePath, Object, java.util.function.Function)}), before
	 * anything is written.
	 * @param path where it is going: the nesting limit counts from its depth
	 * @param value the value
	 * @return the immutable model value, or {@code null}
	 * @throws StateValueException if it cannot be mapped, is nested beyond the path limit or
	 * holds a number the model refuses
	 * @throws io.statetree.core.InvalidPathException if an object key is not a valid path segment
	 */
	public @Nullable Object toModel(StatePath path, @Nullable Object value) {
		try {
			return StateValues.fromJava(path, value, this::toTree);
		}
		catch (StateValueException ex) {
			throw withContext(ex, "Cannot write value of type " + value.getClass().getName() + " at " + path + ": ");
		}
	}

	/**
	 * The same failure with a message naming what was written where: its cause is the failure's
	 * own (Jackson's exception, or none for a rule of the model), never the failure itself, and it
	 * keeps the failure's stack trace.
	 */
	private static StateValueException withContext(StateValueException failure, String context) {
		String message = context + failure.getMessage();
		Throwable cause = failure.getCause();
		StateValueException described = (cause != null) ? new StateValueException(message, cause)
				: new StateValueException(message);
		described.setStackTrace(failure.getStackTrace());
		for (Throwable suppressed : failure.getSuppressed()) {
			described.addSuppressed(suppressed);
		}
		return described;
	}

	private JsonNode toTree(Object value) {
		try {
			return writeMapper().valueToTree(value);
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof JacksonException)) {
				throw ex;
			}
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new StateValueException((cause instanceof IllegalArgumentException) ? cause.getMessage()
					: ((JacksonException) ex).getOriginalMessage(), ex);
		}
	}

	/**
	 * Converts a model value to a type.
	 * @param path where it was read, for messages
	 * @param value the model value
	 * @param type the type
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T convert(StatePath path, @Nullable Object value, Class<T> type) {
		if (value == null) {
			return null;
		}
		if (type == Object.class || (type.isInstance(value) && isModelType(type))) {
			return (T) value;
		}
		try {
			return mapper().convertValue(value, type);
		}
		catch (RuntimeException ex) {
			throw unreadableOrRethrow(path, type.getName(), ex);
		}
	}

	/**
	 * Converts a model value to a generic type.
	 * @param path where it was read, for messages
	 * @param value the model value
	 * @param type the type token
	 * @param <T> the type
	 * @return the converted value, or {@code null}
	 */
	public <T> @Nullable T convert(StatePath path, @Nullable Object value, TypeRef<T> type) {
		if (value == null) {
			return null;
		}
		try {
			JsonMapper converting = mapper();
			JavaType javaType = converting.getTypeFactory().constructType(type.getType());
			return converting.convertValue(value, javaType);
		}
		catch (RuntimeException ex) {
			throw unreadableOrRethrow(path, String.valueOf(type), ex);
		}
	}

	/**
	 * The failure of a typed read for Jackson's exceptions and {@link IllegalArgumentException}
	 * ({@link #unreadable}); any other exception as it is. (Catching {@code RuntimeException} and
	 * testing the type, rather than catching {@code JacksonException}, keeps the JVM from loading
	 * Jackson's exception types when it verifies this class: a controller that never converts a
	 * value does not load them.)
	 */
	private static RuntimeException unreadableOrRethrow(StatePath path, String type, RuntimeException ex) {
		if (ex instanceof JacksonException || ex instanceof IllegalArgumentException) {
			return unreadable(path, type, ex);
		}
		return ex;
	}

	/**
	 * The failure of a typed read. Jackson's message quotes the value it could not convert, and
	 * state may hold secrets: the message names the path, the type and where inside the value
	 * it failed (field names and indexes, see {@link #describeReadFailure}); the cause keeps the
	 * stack trace without any message.
	 * @param path where the value was read
	 * @param type the type asked for, as it should appear in the message
	 * @param ex the conversion failure
	 * @return the exception to throw
	 */
	public static StateValueException unreadable(StatePath path, String type, RuntimeException ex) {
		return new StateValueException(describeReadFailure(path, type, ex), Redacted.of(ex));
	}

	/**
	 * Describes why a stored value did not convert to a type, without quoting the value (see
	 * {@link #convert(StatePath, Object, Class)}); for every converter of stored values.
	 * @param path where the value was read
	 * @param type the target type's name
	 * @param ex what the mapper threw
	 * @return e.g. {@code "Cannot read value at /users as ...: the value at /users/bob/age is not a valid java.lang.Integer (InvalidFormatException; ...)"}
	 */
	public static String describeReadFailure(StatePath path, String type, RuntimeException ex) {
		StringBuilder where = new StringBuilder(path.isRoot() ? "" : path.toString());
		if (ex instanceof JacksonException jackson) {
			for (JacksonException.Reference reference : jackson.getPath()) {
				if (reference.getPropertyName() != null) {
					where.append('/').append(reference.getPropertyName());
				}
				else if (reference.getIndex() >= 0) {
					where.append('/').append(reference.getIndex());
				}
			}
		}
		String why;
		if (ex instanceof tools.jackson.databind.exc.InvalidFormatException invalid && invalid.getTargetType() != null) {
			why = "is not a valid " + invalid.getTargetType().getName();
		}
		else if (ex instanceof tools.jackson.databind.exc.UnrecognizedPropertyException) {
			why = "holds a property the type does not know";
		}
		else if (ex instanceof tools.jackson.databind.exc.MismatchedInputException mismatched
				&& mismatched.getTargetType() != null) {
			why = "does not fit " + mismatched.getTargetType().getName();
		}
		else if (ex instanceof tools.jackson.databind.exc.ValueInstantiationException) {
			why = "was refused by the type's constructor"
					+ ((ex.getCause() != null) ? " (" + ex.getCause().getClass().getName() + ")" : "");
		}
		else {
			why = "cannot be converted";
		}
		return "Cannot read value at " + path + " as " + type + ": the value at " + ((where.length() == 0) ? "/" : where)
				+ " " + why + " (" + ex.getClass().getSimpleName()
				+ "; its message is left out, as it may quote the stored value)";
	}


	/**
	 * Builds the strict write mapper from the application's: fails on beans without properties,
	 * refuses the {@link #NOT_DATA} types and keeps a {@code BigDecimal}'s scale. A class of its own
	 * (with {@link Refuse}) so that the JVM loads Jackson's module and serializer types only when
	 * the first value is converted, not when the controller is built.
	 */
	private static final class StrictMapper {

		private StrictMapper() {
		}

		static JsonMapper of(JsonMapper mapper) {
			SimpleModule refuse = new SimpleModule("statetree-not-data");
			for (Class<?> type : NOT_DATA) {
				refuse.addSerializer(type, new Refuse());
			}
			// Keep a BigDecimal field's scale: what is written is what is read.
			return mapper.rebuild()
				.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
				.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
				.addModule(refuse)
				.build();
		}

	}

	private static final class Refuse extends ValueSerializer<Object> {

		@Override
		public void serialize(Object value, JsonGenerator generator, SerializationContext context) {
			throw new IllegalArgumentException(value.getClass().getName() + " is not data and cannot be stored");
		}

	}

	private static boolean isModelType(Class<?> type) {
		return type == Map.class || type == List.class || type == String.class || type == Boolean.class
				|| type == Number.class || type == Integer.class || type == Long.class || type == Double.class
				|| type == java.math.BigInteger.class || type == java.math.BigDecimal.class
				|| type == java.util.Collection.class;
	}

}
