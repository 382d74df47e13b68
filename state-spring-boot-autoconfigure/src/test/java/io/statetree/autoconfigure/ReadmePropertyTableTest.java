package io.statetree.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's property table agrees with the generated configuration metadata (issue 17 part 6):
 * every property it lists exists, and the default it gives is the metadata's. A default written as
 * a value in backticks must equal the metadata's default (a list as its entries, comma-separated);
 * a default written in words ("none", "empty", "a random UUID") or as a template
 * ({@code <statetree.redis.namespace>:<name>}) means the metadata has no default, or an empty list.
 */
class ReadmePropertyTableTest {

	private static final Pattern ROW = Pattern.compile("^\\| `(statetree\\.[^`]+)` \\| ([^|]*) \\|");

	private static final Pattern VALUE = Pattern.compile("^`([^`]*)`$");

	@Test
	void everyPropertyInTheReadmeExistsWithTheSameDefault() throws IOException {
		Map<String, String> table = readmeTable();
		assertThat(table).as("rows of the README's property table").hasSizeGreaterThan(40)
			.containsKeys("statetree.backend", "statetree.cache.flush-interval", "statetree.health.timeout",
					"statetree.health.readiness");
		Map<String, JsonNode> metadata = ConfigurationMetadataTest.statetreeProperties();
		List<String> problems = new ArrayList<>();
		table.forEach((name, readmeDefault) -> {
			String key = name.replace("<name>", "*").replace("[i]", "[*]");
			JsonNode property = metadata.get(key);
			if (property == null) {
				problems.add(name + ": not in the metadata");
				return;
			}
			String expected = metadataDefault(property.path("defaultValue"));
			Matcher value = VALUE.matcher(readmeDefault.trim());
			String documented = (value.matches() && !value.group(1).contains("<")) ? value.group(1) : null;
			if (documented == null && expected != null && !expected.isEmpty()) {
				problems.add(name + ": README says '" + readmeDefault.trim() + "', metadata default " + expected);
			}
			if (documented != null && !documented.equals(expected)) {
				problems.add(name + ": README default " + documented + ", metadata default " + expected);
			}
		});
		assertThat(problems).as("README rows that disagree with the metadata").isEmpty();
	}

	@Test
	void theCacheFlushIntervalHasNoDefaultInEither() throws IOException {
		assertThat(readmeTable().get("statetree.cache.flush-interval")).startsWith("none");
		assertThat(ConfigurationMetadataTest.statetreeProperties().get("statetree.cache.flush-interval").has("defaultValue"))
			.isFalse();
	}

	/** The metadata's default as the README would write it, {@code null} when there is none. */
	private static String metadataDefault(JsonNode value) {
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		if (value.isArray()) {
			List<String> entries = new ArrayList<>();
			value.forEach((entry) -> entries.add(entry.asString()));
			return String.join(", ", entries);
		}
		return value.asString();
	}

	private static Map<String, String> readmeTable() throws IOException {
		Path readme = Path.of("..", "README.md");
		Map<String, String> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
			Matcher row = ROW.matcher(line);
			if (row.find()) {
				rows.put(row.group(1), row.group(2));
			}
		}
		return rows;
	}

}
