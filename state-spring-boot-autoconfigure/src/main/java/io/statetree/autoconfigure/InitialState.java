package io.statetree.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StateController;
import io.statetree.core.StateException;
import io.statetree.core.StatePath;
import io.statetree.core.StateSnapshot;
import io.statetree.core.backend.StateValues;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads {@code statetree.initial-state} into an empty tree (DESIGN §9, §11): either the tree's
 * JSON object, written at the root, or a snapshot document ({@code StateController.snapshot}'s
 * JSON form: an object whose keys are exactly {@code path}, {@code revision} and {@code value},
 * the value left out when the snapshot was taken where nothing was), restored at its path. An
 * object with other keys, or without {@code revision}, is a tree.
 */
final class InitialState {

	static final String PROPERTY = "statetree.initial-state";

	private static final Set<String> SNAPSHOT_FIELDS = Set.of("path", "revision", "value");

	private InitialState() {
	}

	/**
	 * Writes the resource's JSON object at the root, or restores the snapshot it holds, when the
	 * tree is empty.
	 * @param controller the controller
	 * @param resource the resource
	 * @param jsonMapper parses the resource
	 * @return whether the resource was loaded
	 * @throws InvalidConfigurationPropertyValueException if the resource cannot be read or holds
	 * neither a JSON object nor a snapshot
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
		if (!(value instanceof Map<?, ?> object)) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(),
					"The resource must hold a JSON object, not " + ((value != null) ? "a leaf value" : "nothing"));
		}
		if (isSnapshot(object)) {
			StateSnapshot snapshot = snapshot(object, resource);
			try {
				controller.restore(snapshot);
			}
			catch (StateException ex) {
				throw new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(),
						"The snapshot cannot be restored at " + snapshot.path() + ": " + ex.getMessage(), ex);
			}
			return true;
		}
		controller.set("/", value);
		return true;
	}

	/**
	 * A snapshot document has exactly the keys path, revision and value, as
	 * {@code StateController.snapshot} and the actuator give it; its value is left out (or null)
	 * when it was taken where nothing was. An object with path and value but no revision is a tree.
	 */
	private static boolean isSnapshot(Map<?, ?> object) {
		return object.containsKey("path") && object.containsKey("revision")
				&& SNAPSHOT_FIELDS.containsAll(object.keySet());
	}

	private static StateSnapshot snapshot(Map<?, ?> document, Resource resource) {
		if (!(document.get("path") instanceof String path)) {
			throw invalid(resource, "The snapshot's path must be a string");
		}
		StatePath at;
		try {
			at = StatePath.of(path);
		}
		catch (InvalidPathException ex) {
			throw invalid(resource, "The snapshot's path is invalid: " + ex.getMessage());
		}
		Object revision = document.get("revision");
		long number = 0;
		if (revision != null) {
			if (!(revision instanceof Integer || revision instanceof Long) || ((Number) revision).longValue() < 0) {
				throw invalid(resource, "The snapshot's revision must be a whole number, 0 or more");
			}
			number = ((Number) revision).longValue();
		}
		@Nullable Object value = document.get("value");
		String masked = MaskedValues.find(value, at);
		if (masked != null) {
			// names where, never the value: restoring it would write the mask over what it hides
			throw invalid(resource, "The snapshot holds a masked value at " + masked
					+ " (downloaded from the actuator with values hidden): take the snapshot with "
					+ "StateController.snapshot in code, or leave the masked entries out");
		}
		if (at.isRoot() && !(value instanceof Map)) {
			throw invalid(resource, "A snapshot of / must hold a JSON object as its value");
		}
		return new StateSnapshot(at, number, value);
	}

	private static InvalidConfigurationPropertyValueException invalid(Resource resource, String reason) {
		return new InvalidConfigurationPropertyValueException(PROPERTY, resource.getDescription(), reason);
	}

}
