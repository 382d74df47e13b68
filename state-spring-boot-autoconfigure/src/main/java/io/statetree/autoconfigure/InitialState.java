package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.backend.StateValues;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads {@code statetree.initial-state} into an empty tree.
 */
final class InitialState {

	static final String PROPERTY = "statetree.initial-state";

	private InitialState() {
	}

	/**
	 * Writes the resource's JSON object at the root when the tree is empty.
	 * @param controller the controller
	 * @param resource the resource
	 * @param jsonMapper parses the resource
	 * @return whether the resource was loaded
	 * @throws InvalidConfigurationPropertyValueException if the resource cannot be read or does
	 * not hold a JSON object
	 */
	static boolean load(StateController controller, Resource resource, JsonMapper jsonMapper) {
		// lists names only: a large or partly unparsable tree on files is not read at start-up
		if (!controller.childNames("/").isEmpty()) {
			return false;
		}
		Object value;
		// Streamed with the write rules, so decimals keep their exact value (see StateValues.readForWrite).
		try (InputStream in = resource.getInputStream(); JsonParser parser = jsonMapper.createParser(in)) {
			value = StateValues.readForWrite(parser, StatePath.ROOT);
		}
		catch (IOException | JacksonException | StateException ex) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(),
					"The resource cannot be read as JSON: " + ex.getMessage(), ex);
		}
		if (!(value instanceof Map)) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(),
					"The resource must hold a JSON object, not " + ((value != null) ? "a leaf value" : "nothing"));
		}
		controller.set("/", value);
		return true;
	}

}
