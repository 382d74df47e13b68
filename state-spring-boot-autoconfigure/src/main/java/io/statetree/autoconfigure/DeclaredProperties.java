package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code statetree.*} property names declared in the configuration metadata of the class path
 * ({@code META-INF/spring-configuration-metadata.json}). A key that only a condition reads (such as
 * a {@code @ConditionalOnBooleanProperty}), and that no properties type binds, is known when it is
 * declared there (through additional metadata). Read only when the binding found candidates for
 * unknown keys, so a start-up without typos parses no JSON.
 */
final class DeclaredProperties {

	private static final Logger logger = LoggerFactory.getLogger(DeclaredProperties.class);

	private static final String LOCATION = "META-INF/spring-configuration-metadata.json";

	private final Set<ConfigurationPropertyName> names = new HashSet<>();

	DeclaredProperties(@Nullable ClassLoader classLoader) {
		ClassLoader loader = (classLoader != null) ? classLoader : DeclaredProperties.class.getClassLoader();
		JsonMapper mapper = JsonMapper.builder().build();
		try {
			for (URL url : Collections.list(loader.getResources(LOCATION))) {
				read(mapper, url);
			}
		}
		catch (IOException ex) {
			logger.debug("Could not list the configuration metadata", ex);
		}
	}

	private void read(JsonMapper mapper, URL url) {
		try (InputStream in = url.openStream()) {
			for (JsonNode property : mapper.readTree(in).path("properties")) {
				String name = property.path("name").asString("");
				if (name.startsWith("statetree.")) {
					ConfigurationPropertyName parsed = ConfigurationPropertyName.ofIfValid(name);
					if (parsed != null) {
						this.names.add(parsed);
					}
				}
			}
		}
		catch (IOException | JacksonException ex) {
			logger.debug("Could not read the configuration metadata at " + url, ex);
		}
	}

	boolean declares(ConfigurationPropertyName name) {
		return this.names.contains(name);
	}

}
