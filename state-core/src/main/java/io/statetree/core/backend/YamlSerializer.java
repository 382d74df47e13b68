package io.statetree.core.backend;

import io.statetree.core.StateValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes values as YAML files ({@code .yaml}). Strings are always quoted, so values such as
 * {@code "yes"}, {@code "1.0"} or {@code "null"} read back as the strings they were.
 * <p>
 * Needs {@code tools.jackson.dataformat:jackson-dataformat-yaml}, an optional dependency of
 * StateTree: add it to the application to use this format. Thread-safe.
 */
public final class YamlSerializer implements Serializer {

	static final String ARTIFACT = "tools.jackson.dataformat:jackson-dataformat-yaml";

	private final ObjectMapper mapper;

	/**
	 * Creates a YAML serializer.
	 * @throws IllegalStateException if {@code jackson-dataformat-yaml} is not on the classpath
	 */
	public YamlSerializer() {
		try {
			Class.forName("tools.jackson.dataformat.yaml.YAMLMapper", false, YamlSerializer.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new IllegalStateException("The YAML format needs " + ARTIFACT
					+ " on the classpath; add that dependency or use the JSON format", ex);
		}
		this.mapper = Holder.create();
	}

	@Override
	public String extension() {
		return "yaml";
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
			throw new StateValueException("Not valid YAML: " + ex.getOriginalMessage(), ex);
		}
		return StateValues.fromJson(node);
	}

	@Override
	public String toString() {
		return "yaml";
	}

	/** Keeps the YAML classes out of {@link YamlSerializer}'s own linkage. */
	private static final class Holder {

		static ObjectMapper create() {
			return YAMLMapper.builder()
				.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
				.disable(YAMLWriteFeature.MINIMIZE_QUOTES)
				.build();
		}

	}

}
