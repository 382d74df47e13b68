package io.statetree.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * {@code statetree.*} properties that no StateTree properties type binds, each with where it was
 * set and the closest known name. Carries names only, never values.
 */
class UnknownPropertiesException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<UnknownProperty> properties;

	UnknownPropertiesException(List<UnknownProperty> properties) {
		super(message(properties));
		this.properties = List.copyOf(properties);
	}

	List<UnknownProperty> getProperties() {
		return this.properties;
	}

	private static String message(List<UnknownProperty> properties) {
		StringBuilder message = new StringBuilder("Unknown StateTree properties:");
		for (UnknownProperty property : properties) {
			message.append(' ').append(property.name());
			if (property.origin() != null) {
				message.append(" (").append(property.origin()).append(')');
			}
			if (property.closest() != null) {
				message.append(", did you mean ").append(property.closest()).append('?');
			}
			message.append(';');
		}
		message.setLength(message.length() - 1);
		return message.toString();
	}

	/**
	 * An unknown property.
	 * @param name its name, as the binder reads it
	 * @param origin where it was set, when known (a file and line, an environment variable)
	 * @param closest the closest known name, or {@code null} when none is close
	 */
	record UnknownProperty(String name, @Nullable String origin, @Nullable String closest) {
	}

}
