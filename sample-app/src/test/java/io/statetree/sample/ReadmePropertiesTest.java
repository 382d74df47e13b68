package io.statetree.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's property table and the configuration metadata (generated from the properties
 * types, plus the additional metadata) the same, in both directions: every {@code statetree.*}
 * property (and the StateTree endpoints' {@code management.endpoint.statetree*} ones) in the
 * metadata has a row, and every row names a property of the metadata, with the same default.
 * <p>
 * The README writes a map key as {@code <name>} and a list index as {@code [i]}; the metadata
 * describes those sub-keys as {@code statetree.mounts.*.path} and
 * {@code statetree.security.rules[*].pattern}. Where the metadata records no default, the README
 * must not show a literal one (it says "none", "empty" or what is used instead).
 */
class ReadmePropertiesTest {

	private static final Pattern ROW = Pattern.compile("^\\| `((?:statetree|management\\.endpoint\\.statetree)[^`]*)` \\| ([^|]*) \\|");

	@Test
	void everyPropertyIsInTheReadmeWithItsDefault() throws IOException {
		Map<String, JsonNode> properties = metadata();
		assertThat(properties).as("statetree.* properties in the metadata").hasSizeGreaterThan(10);
		Map<String, String> rows = readmeRows();
		for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
			String name = property.getKey();
			if (isContainer(property.getValue())) {
				// A map or list of objects: documented by its sub-keys' rows.
				assertThat(rows.keySet()).as("README rows under %s", name)
					.anyMatch((row) -> row.startsWith(name + ".") || row.startsWith(name + "["));
				continue;
			}
			assertThat(rows).as("a README row for %s", name).containsKey(name);
		}
	}

	@Test
	void everyReadmeRowIsAPropertyWithTheSameDefault() throws IOException {
		Map<String, JsonNode> properties = metadata();
		Map<String, String> rows = readmeRows();
		assertThat(rows).as("README property rows").hasSizeGreaterThan(10);
		for (Map.Entry<String, String> row : rows.entrySet()) {
			String name = row.getKey();
			assertThat(properties).as("the metadata of the README's %s", name).containsKey(name);
			String shown = row.getValue().trim();
			JsonNode defaultValue = properties.get(name).get("defaultValue");
			if (defaultValue == null || defaultValue.isNull()) {
				assertThat(shown).as("the README's default of %s, which has none in the code", name)
					.doesNotMatch("`[^`<]*`");
				continue;
			}
			List<String> values = new ArrayList<>();
			if (defaultValue.isArray()) {
				defaultValue.forEach((element) -> values.add(element.asString()));
			}
			else {
				values.add(defaultValue.asString());
			}
			assertThat(relaxed(shown)).as("the README's default of %s", name)
				.isEqualTo(relaxed("`" + String.join(", ", values) + "`"));
		}
	}

	@Test
	void theComparisonSeesAWrongDefault() {
		assertThat(relaxed("`5s`")).isNotEqualTo(relaxed("`" + "10s" + "`"));
		assertThat("`5s`").matches("`[^`<]*`");
		assertThat("none (no background flush)").doesNotMatch("`[^`<]*`");
		assertThat("`<statetree.redis.namespace>:<name>`").doesNotMatch("`[^`<]*`");
	}

	/** Rows of the README's property table: the property in the metadata's notation and its default cell. */
	private static Map<String, String> readmeRows() throws IOException {
		Map<String, String> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
			Matcher row = ROW.matcher(line);
			if (row.find()) {
				String name = row.group(1).replace("<name>", "*").replace("[i]", "[*]");
				assertThat(rows.put(name, row.group(2))).as("one README row for %s", name).isNull();
			}
		}
		return rows;
	}

	private static boolean isContainer(JsonNode property) {
		String type = property.path("type").asString("");
		return (type.startsWith("java.util.Map<") || type.startsWith("java.util.List<io.statetree."));
	}

	/** Spring Boot binds enum values ignoring case and treating '_' and '-' alike. */
	private static String relaxed(String text) {
		return text.toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static Map<String, JsonNode> metadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		for (URL url : Collections.list(ReadmePropertiesTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode metadata = json.readTree(in);
				JsonNode all = metadata.get("properties");
				if (all != null) {
					all.forEach((property) -> {
						String name = property.get("name").asString();
						if (name.startsWith("statetree.") || name.startsWith("management.endpoint.statetree")) {
							properties.put(name, property);
						}
					});
				}
			}
		}
		return properties;
	}

}
