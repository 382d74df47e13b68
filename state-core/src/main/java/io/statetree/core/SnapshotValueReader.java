package io.statetree.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * Reads a {@link StateSnapshot}'s value from JSON with exact numbers (DESIGN §11, §19), whatever
 * the mapper's settings: a decimal becomes the {@code BigDecimal} its text spells (never a
 * {@code double}), an integer the smallest of {@code Integer}, {@code Long}, {@code BigInteger};
 * objects keep their key order. The model's rules are applied when the snapshot is restored.
 * Stateless.
 */
final class SnapshotValueReader extends ValueDeserializer<Object> {

	@Override
	public @Nullable Object deserialize(JsonParser parser, DeserializationContext context) {
		return read(parser, parser.currentToken(), context);
	}

	private static @Nullable Object read(JsonParser parser, JsonToken token, DeserializationContext context) {
		switch (token) {
			case START_OBJECT, PROPERTY_NAME -> {
				Map<String, Object> map = new LinkedHashMap<>();
				JsonToken next = (token == JsonToken.START_OBJECT) ? parser.nextToken() : token;
				for (; next == JsonToken.PROPERTY_NAME; next = parser.nextToken()) {
					String key = parser.currentName();
					Object child = read(parser, parser.nextToken(), context);
					if (child != null) {
						map.put(key, child);
					}
				}
				return map;
			}
			case START_ARRAY -> {
				List<@Nullable Object> list = new ArrayList<>();
				for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
					list.add(read(parser, next, context));
				}
				return list;
			}
			case VALUE_STRING -> {
				return parser.getString();
			}
			case VALUE_NUMBER_INT -> {
				return parser.getNumberValue();
			}
			case VALUE_NUMBER_FLOAT -> {
				return new BigDecimal(parser.getString());
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
			default -> {
				return context.handleUnexpectedToken(Object.class, parser);
			}
		}
	}

}
