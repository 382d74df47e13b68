package io.statetree.core.backend;

import io.statetree.core.StateValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@link Serializer} over a Jackson mapper of some format. Thread-safe.
 */
abstract class JacksonSerializer implements Serializer {

	private final ObjectMapper mapper;

	private final String extension;

	private final String format;

	JacksonSerializer(ObjectMapper mapper, String extension, String format) {
		this.mapper = mapper;
		this.extension = extension;
		this.format = format;
	}

	@Override
	public String extension() {
		return this.extension;
	}

	@Override
	public byte[] write(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

	@Override
	public @Nullable Object read(byte[] bytes) {
		JsonNode node;
		try {
			node = this.mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new StateValueException("Not valid " + this.format + ": " + ex.getOriginalMessage(), ex);
		}
		return StateValues.fromJson(node);
	}

	@Override
	public String toString() {
		return this.extension;
	}

}
