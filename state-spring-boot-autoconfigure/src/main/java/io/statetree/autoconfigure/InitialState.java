package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;

import io.statetree.core.StateController;
import io.statetree.core.backend.StateValues;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
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
		JsonNode node;
		try (InputStream in = resource.getInputStream()) {
			node = jsonMapper.readTree(in);
		}
		catch (IOException | JacksonException ex) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(),
					"The resource cannot be read as JSON: " + ex.getMessage(), ex);
		}
		if (node == null || !node.isObject()) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(),
					"The resource must hold a JSON object, not " + ((node != null) ? node.getNodeType() : "nothing"));
		}
		controller.set("/", StateValues.fromJson(node));
		return true;
	}

}
