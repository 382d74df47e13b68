package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.statetree.autoconfigure.health.StateTreeHealthProperties;
import io.statetree.autoconfigure.security.StateTreeSecurityProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the configuration metadata the processor generates for {@link StateTreeProperties}.
 */
class ConfigurationMetadataTest {

	@Test
	void describesEveryProperty() throws IOException {
		Map<String, JsonNode> properties = statetreeProperties();
		assertThat(properties.keySet()).contains("statetree.backend", "statetree.filesystem.directory",
				"statetree.filesystem.format", "statetree.filesystem.fsync", "statetree.redis.namespace",
				"statetree.redis.feed-retention", "statetree.redis.max-value-bytes", "statetree.redis.lease-timeout",
				"statetree.cache.enabled", "statetree.cache.flush-interval", "statetree.cache.flush-on-write", "statetree.cache.flush-on-read",
				"statetree.cache.flush-on-delete", "statetree.mounts", "statetree.listeners.dispatch",
				"statetree.listeners.on-error", "statetree.instance-id", "statetree.initial-state",
				"statetree.history.size", "statetree.groups.max-attempts", "statetree.groups.initial-backoff",
				"statetree.groups.concurrency", "statetree.groups.claim-timeout", "statetree.fail-on-unknown-properties",
				"statetree.health.timeout", "statetree.health.readiness");
		properties.forEach((name, property) -> assertThat(property.path("description").asString("")).as(name)
			.isNotBlank()
			.doesNotContain("{@")
			.endsWith("."));
	}

	@Test
	void recordsTheDefaults() throws IOException {
		Map<String, JsonNode> properties = statetreeProperties();
		assertThat(properties.get("statetree.backend").path("defaultValue").asString("")).isEqualTo("memory");
		assertThat(properties.get("statetree.filesystem.format").path("defaultValue").asString("")).isEqualTo("json");
		assertThat(properties.get("statetree.filesystem.fsync").path("defaultValue").asBoolean(false)).isTrue();
		assertThat(properties.get("statetree.redis.namespace").path("defaultValue").asString(""))
			.isEqualTo("statetree");
		assertThat(properties.get("statetree.redis.feed-retention").path("defaultValue").asLong(0)).isEqualTo(10_000);
		assertThat(properties.get("statetree.redis.max-value-bytes").path("defaultValue").asLong(0))
			.isEqualTo(16L * 1024 * 1024);
		assertThat(properties.get("statetree.redis.lease-timeout").path("defaultValue").asString("")).isEqualTo("10s");
		assertThat(properties.get("statetree.listeners.dispatch").path("defaultValue").asString("")).isEqualTo("sync");
		assertThat(properties.get("statetree.listeners.on-error").path("defaultValue").asString("")).isEqualTo("log");
		assertThat(properties.get("statetree.cache.flush-on-write").path("defaultValue").asBoolean(false)).isTrue();
		assertThat(properties.get("statetree.history.size").path("defaultValue").asInt(0)).isEqualTo(1_000);
		assertThat(properties.get("statetree.history.size").path("sourceType").asString(""))
			.isEqualTo(StateTreeHistoryProperties.class.getName());
		assertThat(properties.get("statetree.groups.max-attempts").path("defaultValue").asInt(0)).isEqualTo(5);
		assertThat(properties.get("statetree.groups.initial-backoff").path("defaultValue").asString(""))
			.isEqualTo("100ms");
		assertThat(properties.get("statetree.groups.concurrency").path("defaultValue").asInt(0)).isEqualTo(4);
		assertThat(properties.get("statetree.groups.claim-timeout").path("defaultValue").asString(""))
			.isEqualTo("30s");
		assertThat(properties.get("statetree.health.timeout").path("defaultValue").asString("")).isEqualTo("2s");
		assertThat(properties.get("statetree.health.readiness").path("defaultValue").asBoolean(false)).isTrue();
	}

	@Test
	void everyKeyStateTreeBindsIsDescribed() throws IOException {
		Map<String, JsonNode> properties = statetreeProperties();
		List<String> templates = new KnownProperties(List.of(
				new UnknownPropertiesCheck.PropertiesType(ConfigurationPropertyName.of("statetree"),
						StateTreeProperties.class),
				new UnknownPropertiesCheck.PropertiesType(ConfigurationPropertyName.of("statetree"),
						StateTreeCheckProperties.class),
				new UnknownPropertiesCheck.PropertiesType(ConfigurationPropertyName.of("statetree.groups"),
						StateTreeGroupsProperties.class),
				new UnknownPropertiesCheck.PropertiesType(ConfigurationPropertyName.of("statetree.security"),
						StateTreeSecurityProperties.class),
				new UnknownPropertiesCheck.PropertiesType(ConfigurationPropertyName.of("statetree.health"),
						StateTreeHealthProperties.class)))
			.templates();
		assertThat(templates).contains("statetree.mounts.<name>.filesystem.fsync", "statetree.security.rules[i].write",
				"statetree.groups.claim-timeout");
		for (String template : templates) {
			String name = template.replace(KnownProperties.MAP_KEY, "*").replace(KnownProperties.INDEX, "[*]");
			assertThat(properties).as("metadata of %s", name).containsKey(name);
			assertThat(properties.get(name).path("description").asString("")).as(name).isNotBlank();
		}
	}

	@Test
	void everyEnumPropertyHasAHintWithEveryValue() throws Exception {
		Map<String, JsonNode> hints = new java.util.TreeMap<>();
		for (JsonNode hint : ours().path("hints")) {
			hints.put(hint.path("name").asString(""), hint);
		}
		List<String> enumProperties = new ArrayList<>();
		for (Map.Entry<String, JsonNode> property : statetreeProperties().entrySet()) {
			String type = property.getValue().path("type").asString("");
			Class<?> resolved = type.contains("<") ? Object.class : Class.forName(type);
			if (!resolved.isEnum()) {
				continue;
			}
			enumProperties.add(property.getKey());
			List<String> expected = new ArrayList<>();
			for (Object constant : resolved.getEnumConstants()) {
				expected.add(((Enum<?>) constant).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
			}
			JsonNode hint = hints.get(property.getKey());
			assertThat(hint).as("hint of %s", property.getKey()).isNotNull();
			List<String> values = new ArrayList<>();
			for (JsonNode value : hint.path("values")) {
				values.add(value.path("value").asString(""));
				assertThat(value.path("description").asString("")).as(property.getKey()).endsWith(".");
			}
			assertThat(values).as("hint values of %s", property.getKey()).containsExactlyElementsOf(expected);
		}
		assertThat(enumProperties).contains("statetree.backend", "statetree.mounts.*.backend",
				"statetree.filesystem.format", "statetree.mounts.*.filesystem.format", "statetree.listeners.dispatch",
				"statetree.listeners.on-error", "statetree.security.show-values");
	}

	@Test
	void recordsTheSensitiveKeysDefault() throws IOException {
		List<String> recorded = new ArrayList<>();
		statetreeProperties().get("statetree.security.sensitive-keys")
			.path("defaultValue")
			.forEach((key) -> recorded.add(key.asString()));
		assertThat(recorded).isEqualTo(new StateTreeSecurityProperties().getSensitiveKeys());
	}

	/** This module's metadata: generated from the properties types and the additional metadata. */
	static JsonNode ours() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		List<URL> candidates = Collections
			.list(ConfigurationMetadataTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"));
		List<JsonNode> ours = new ArrayList<>();
		for (URL url : candidates) {
			try (InputStream in = url.openStream()) {
				JsonNode metadata = mapper.readTree(in);
				for (JsonNode group : metadata.path("groups")) {
					if (group.path("sourceType").asString("").equals(StateTreeProperties.class.getName())) {
						ours.add(metadata);
						break;
					}
				}
			}
		}
		assertThat(ours).as("generated metadata of StateTreeProperties").hasSize(1);
		return ours.get(0);
	}

	static Map<String, JsonNode> statetreeProperties() throws IOException {
		Map<String, JsonNode> properties = new java.util.TreeMap<>();
		for (JsonNode property : ours().path("properties")) {
			if (property.path("name").asString("").startsWith("statetree.")) {
				properties.put(property.path("name").asString(""), property);
			}
		}
		return properties;
	}

}
