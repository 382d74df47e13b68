package io.statetree.core.backend;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.util.JsonParserDelegate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes values as YAML files ({@code .yaml}). Strings are always quoted, so values such as
 * {@code "yes"}, {@code "1.0"} or {@code "null"} read back as the strings they were.
 * <p>
 * Needs {@code tools.jackson.dataformat:jackson-dataformat-yaml}, an optional dependency of
 * StateTree: add it to the application to use this format. Thread-safe.
 */
public final class YamlSerializer extends JacksonSerializer {

	static final String ARTIFACT = "tools.jackson.dataformat:jackson-dataformat-yaml";

	/**
	 * Creates a YAML serializer.
	 * @throws IllegalStateException if {@code jackson-dataformat-yaml} is not on the classpath
	 */
	public YamlSerializer() {
		super(mapper(), "yaml", "YAML");
	}

	private static ObjectMapper mapper() {
		try {
			Class.forName("tools.jackson.dataformat.yaml.YAMLMapper", false, YamlSerializer.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new IllegalStateException("The YAML format needs " + ARTIFACT
					+ " on the classpath; add that dependency or use the JSON format", ex);
		}
		return Holder.create();
	}

	/**
	 * Refuses aliases ({@code *name}): Jackson's YAML parser reads an alias as a string holding
	 * the anchor's name, so {@code b: *x} read silently as {@code "x"} instead of the anchored value.
	 */
	@Override
	JsonParser checked(JsonParser parser) {
		return Holder.refusingAliases(parser);
	}

	/** Keeps the YAML classes out of {@link YamlSerializer}'s own linkage. */
	private static final class Holder {

		static ObjectMapper create() {
			YAMLFactory factory = YAMLFactory.builder().streamReadConstraints(JsonText.storedReadConstraints()).build();
			return YAMLMapper.builder(factory)
				.addModule(JsonText.numbersModule())
				.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
				.disable(YAMLWriteFeature.MINIMIZE_QUOTES)
				.build();
		}

		static JsonParser refusingAliases(JsonParser parser) {
			if (!(parser instanceof YAMLParser yaml)) {
				return parser;
			}
			return new JsonParserDelegate(parser) {

				@Override
				public JsonToken nextToken() {
					JsonToken token = super.nextToken();
					if (yaml.isCurrentAlias()) {
						throw MalformedDocumentException.unsupported("a YAML alias", yaml.currentTokenLocation(),
								"write the value out in full where the alias stands");
					}
					return token;
				}

			};
		}

	}

}
