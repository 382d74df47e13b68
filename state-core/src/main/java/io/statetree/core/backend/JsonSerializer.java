package io.statetree.core.backend;

import io.statetree.core.StateValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes values as pretty-printed UTF-8 JSON files ({@code .json}), the default format of
 * {@link FileSystemBackend}. Thread-safe.
 */
public final class JsonSerializer implements Serializer {

	static final JsonSerializer INSTANCE = new JsonSerializer();

	private final JsonMapper mapper;

	/**
	 * Creates a JSON serializer.
	 */
	public JsonSerializer() {
		this.mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
	}

	@Override
	public String extension() {
		return "json";
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
			throw new StateValueException("Not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		return StateValues.fromJson(node);
	}

	@Override
	public String toString() {
		return "json";
	}

}
