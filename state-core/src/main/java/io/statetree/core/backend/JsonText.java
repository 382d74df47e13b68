package io.statetree.core.backend;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import io.statetree.core.StateValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * JSON text in and out of the model with exact numbers (see {@link ModelRules#numberText}):
 * a {@code Double} is printed as {@link Double#toString(double)} and such text reads back as a
 * {@code Double}; every other decimal text reads back as the {@code BigDecimal} it spells, so
 * no digit is lost and what was written is what is read. Integers read as the smallest of
 * {@code Integer}, {@code Long}, {@code BigInteger}; and the compact printer behind every model
 * value's {@code toString}. DESIGN §2 (values) and §19 (numbers keep their exact value through
 * every backend). Thread-safe (stateless).
 */
final class JsonText {

	/**
	 * How long a number token our own stores accept when reading back: well above what the
	 * model lets in ({@value ModelRules#MAX_NUMBER_DIGITS} digits plus sign and exponent), so
	 * stored data always reads back.
	 */
	public static final int STORED_NUMBER_LENGTH = 200_000;

	private JsonText() {
	}

	/**
	 * The read constraints of StateTree's own stores (files, Redis).
	 * @return Jackson's defaults with a number length that fits every stored number
	 */
	public static StreamReadConstraints storedReadConstraints() {
		return StreamReadConstraints.builder().maxNumberLength(STORED_NUMBER_LENGTH).build();
	}

	/**
	 * A Jackson module printing model numbers exactly (see {@link ModelRules#numberText}).
	 * @return a new module; register it on every mapper that writes stored values
	 */
	public static SimpleModule numbersModule() {
		SimpleModule module = new SimpleModule("statetree-exact-numbers");
		module.addSerializer(Double.class, new NumberText<>());
		module.addSerializer(Double.TYPE, new NumberText<>());
		module.addSerializer(BigDecimal.class, new NumberText<>());
		return module;
	}

	/**
	 * A JSON mapper for StateTree's own stored JSON: exact numbers, stored read constraints.
	 * @return a new mapper builder, to be customised further and built
	 */
	public static JsonMapper.Builder storedJsonMapper() {
		JsonFactory factory = JsonFactory.builder().streamReadConstraints(storedReadConstraints()).build();
		return JsonMapper.builder(factory).addModule(numbersModule());
	}

	/**
	 * Reads stored JSON back into the model: object keys must be path segments (outside arrays),
	 * numbers exact and finite; the write-time path and size limits do not apply.
	 * @param parser a parser positioned before the document
	 * @return the value, or {@code null} for an empty document or {@code null}
	 * @throws StateValueException if the data breaks a rule of the model
	 * @throws JacksonException if the text is not well-formed
	 */
	public static @Nullable Object readStored(JsonParser parser) {
		return read(parser, ModelRules.reading(), false);
	}

	/**
	 * Reads JSON given for a write at a path into the model, applying every rule of
	 * {@link StateValues#fromJava(StatePath, Object, java.util.function.Function)}.
	 * @param parser a parser positioned before the document
	 * @param at where the value goes
	 * @return the value, or {@code null} for {@code null}
	 * @throws io.statetree.core.InvalidPathException if an object key is not a valid path segment
	 * @throws StateValueException if the value breaks a rule of the model
	 * @throws JacksonException if the text is not well-formed JSON or breaks the parser's limits
	 */
	public static @Nullable Object readForWrite(JsonParser parser, StatePath at) {
		return read(parser, ModelRules.writing(at), true);
	}

	private static @Nullable Object read(JsonParser parser, ModelRules.Walk walk, boolean keysInArrays) {
		JsonToken first = parser.nextToken();
		if (first == null) {
			return null;
		}
		Object value = readValue(parser, first, walk, true, keysInArrays);
		if (parser.nextToken() != null) {
			throw new StateValueException("The JSON text holds more than one value");
		}
		return value;
	}

	private static @Nullable Object readValue(JsonParser parser, JsonToken token, ModelRules.Walk walk,
			boolean branchContext, boolean keysInArrays) {
		switch (token) {
			case START_OBJECT -> {
				PersistentOrderedMap<String, Object> map = PersistentOrderedMap.empty();
				java.util.Set<String> seen = keysInArrays ? new java.util.HashSet<>() : null;
				JsonToken next;
				while ((next = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
					String key = parser.currentName();
					if (seen != null && !seen.add(key)) {
						// A written value says what it means: with a key twice, one would be lost.
						walk.key(key);
						throw new StateValueException("Object at " + walk.location() + " has the key '"
								+ ModelRules.printable(key) + "' more than once");
					}
					JsonToken valueToken = parser.nextToken();
					if (valueToken == JsonToken.VALUE_NULL) {
						continue;
					}
					if (branchContext || keysInArrays) {
						walk.key(key);
					}
					walk.enter(key);
					Object child = readValue(parser, valueToken, walk, branchContext, keysInArrays);
					walk.exit();
					if (child != null) {
						map = map.put(key, child);
					}
				}
				if (next != JsonToken.END_OBJECT) {
					throw new StateValueException("Unexpected " + next + " in an object at " + walk.location());
				}
				return Branch.of(map);
			}
			case START_ARRAY -> {
				java.util.ArrayList<Object> elements = new java.util.ArrayList<>();
				JsonToken next;
				int index = 0;
				while ((next = parser.nextToken()) != JsonToken.END_ARRAY && next != null) {
					walk.enter(index++);
					elements.add(readValue(parser, next, walk, false, keysInArrays));
					walk.exit();
				}
				return ValueList.wrap(elements.toArray());
			}
			case VALUE_STRING -> {
				return walk.string(parser.getString());
			}
			case VALUE_NUMBER_INT -> {
				return walk.number(parser.getNumberValue());
			}
			case VALUE_NUMBER_FLOAT -> {
				return walk.decimal(parser.getString());
			}
			case VALUE_TRUE -> {
				return Boolean.TRUE;
			}
			case VALUE_FALSE -> {
				return Boolean.FALSE;
			}
			case VALUE_NULL -> {
				return null;
			}
			case VALUE_EMBEDDED_OBJECT -> {
				Object embedded = parser.getEmbeddedObject();
				if (embedded instanceof byte[] bytes) {
					return java.util.Base64.getEncoder().encodeToString(bytes);
				}
				throw new StateValueException("Value at " + walk.location() + " holds an embedded "
						+ ((embedded != null) ? embedded.getClass().getName() : "null") + ", which is not JSON data");
			}
			default -> throw new StateValueException("Unexpected " + token + " at " + walk.location());
		}
	}

	/**
	 * Prints a value as compact JSON, for {@code toString} and logs (never for storage: numbers
	 * print as Java prints them).
	 * @param value a model value
	 * @return JSON text
	 */
	static String print(@Nullable Object value) {
		StringBuilder sb = new StringBuilder();
		print(value, sb);
		return sb.toString();
	}

	private static void print(@Nullable Object value, StringBuilder sb) {
		if (value == null) {
			sb.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			sb.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!first) {
					sb.append(',');
				}
				first = false;
				quote(String.valueOf(entry.getKey()), sb);
				sb.append(':');
				print(entry.getValue(), sb);
			}
			sb.append('}');
		}
		else if (value instanceof List<?> list) {
			sb.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					sb.append(',');
				}
				print(list.get(i), sb);
			}
			sb.append(']');
		}
		else if (value instanceof String s) {
			quote(s, sb);
		}
		else {
			sb.append(value);
		}
	}

	private static void quote(String s, StringBuilder sb) {
		sb.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case '\t' -> sb.append("\\t");
				default -> {
					if (c < 0x20) {
						sb.append(String.format("\\u%04x", (int) c));
					}
					else {
						sb.append(c);
					}
				}
			}
		}
		sb.append('"');
	}

	/** Prints a model number with {@link ModelRules#numberText}. */
	private static final class NumberText<N extends Number> extends ValueSerializer<N> {

		@Override
		public void serialize(N value, JsonGenerator generator, SerializationContext context) {
			if (value instanceof Double d && !Double.isFinite(d)) {
				// Never in the model; Jackson's own choice for a stray one.
				generator.writeNumber(d);
				return;
			}
			generator.writeNumber(ModelRules.numberText(value));
		}

	}

}
