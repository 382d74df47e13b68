package io.statetree.core.backend;

import tools.jackson.databind.SerializationFeature;

/**
 * Writes values as pretty-printed UTF-8 JSON files ({@code .json}), the default format of
 * {@link FileSystemBackend}. Thread-safe.
 */
public final class JsonSerializer extends JacksonSerializer {

	static final JsonSerializer INSTANCE = new JsonSerializer();

	/**
	 * Creates a JSON serializer.
	 */
	public JsonSerializer() {
		super(JsonText.storedJsonMapper().enable(SerializationFeature.INDENT_OUTPUT).build(), "json", "JSON");
	}

}
