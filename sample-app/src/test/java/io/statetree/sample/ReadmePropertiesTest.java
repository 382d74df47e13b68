package io.statetree.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's property table complete: every {@code statetree.*} property (and the
 * StateTree endpoints' {@code management.endpoint.statetree*.access}) in the configuration metadata that the annotation processor generates has a row in README.md, and the
 * row shows the property's default.
 */
class ReadmePropertiesTest {

	@Test
	void everyPropertyIsInTheReadmeWithItsDefault() throws IOException {
		List<JsonNode> properties = statetreeProperties();
		assertThat(properties).as("statetree.* properties in the metadata").hasSizeGreaterThan(10);
		List<String> rows = Files.readAllLines(Path.of("..", "README.md")).stream()
			.filter((line) -> line.startsWith("| `statetree.") || line.startsWith("| `management.endpoint.statetree"))
			.toList();
		for (JsonNode property : properties) {
			String name = property.get("name").asString();
			// A plain property, a map (`name.<key>...`) or a list of objects (`name[i]...`).
			List<String> matching = rows.stream()
				.filter((row) -> row.contains("`" + name + "`") || row.contains("`" + name + ".<")
						|| row.contains("`" + name + "["))
				.toList();
			assertThat(matching).as("a README row for %s", name).isNotEmpty();
			JsonNode defaultValue = property.get("defaultValue");
			if (defaultValue != null && !defaultValue.isNull()) {
				List<String> shown = new ArrayList<>();
				if (defaultValue.isArray()) {
					defaultValue.forEach((element) -> shown.add(element.asString()));
				}
				else {
					shown.add(defaultValue.asString());
				}
				for (String value : shown) {
					assertThat(relaxed(matching.get(0))).as("the README row of %s shows its default %s", name, value)
						.contains(relaxed(value));
				}
			}
		}
	}

	/** Spring Boot binds enum values ignoring case and treating '_' and '-' alike. */
	private static String relaxed(String text) {
		return text.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	private static List<JsonNode> statetreeProperties() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> properties = new ArrayList<>();
		for (URL url : Collections.list(ReadmePropertiesTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode metadata = json.readTree(in);
				JsonNode all = metadata.get("properties");
				if (all != null) {
					all.forEach((property) -> {
						String name = property.get("name").asString();
						if (name.startsWith("statetree.") || name.startsWith("management.endpoint.statetree")) {
							properties.add(property);
						}
					});
				}
			}
		}
		return properties;
	}

}
